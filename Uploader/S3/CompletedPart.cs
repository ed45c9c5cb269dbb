namespace BtrfsToS3.Uploader.S3;

/// <summary>A part named in the request that completes a multipart upload: its number, ETag, and CRC-32 where one was
/// sent.</summary>
internal sealed record CompletedPart(int Number, string Etag, string? Crc32);
