namespace BtrfsToS3.Uploader.S3;

/// <summary>A part S3 holds for a multipart upload in progress (ListParts): its number, the ETag S3 computed, and its
/// size.</summary>
internal sealed record StoredPart(int Number, string Etag, long Size);
