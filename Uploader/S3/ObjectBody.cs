namespace BtrfsToS3.Uploader.S3;

/// <summary>
/// An object's bytes with the ETag they were read with (what a conditional rewrite names, If-Match) and, in a versioned
/// bucket, the version read.
/// </summary>
internal sealed record ObjectBody(byte[] Bytes, string Etag, string? VersionId = null);
