namespace BtrfsToS3.Uploader.S3;

/// <summary>
/// How an object is written: its storage class and content type; with IfNoneMatch it is written only if the key is free
/// (S3's conditional write, <c>If-None-Match: *</c>). Every object gets SSE-S3.
/// </summary>
internal sealed record ObjectWrite(string StorageClass, string ContentType, bool IfNoneMatch);
