namespace BtrfsToS3.Uploader.S3;

/// <summary>
/// How a chunk object is written: its storage class, its SHA-256 as metadata, and its full-object CRC-32 where S3 is to
/// check and keep one (null where the server has no flexible checksums: [s3] request_checksum_calculation), and its
/// Object Lock retention, if any.
/// </summary>
internal sealed record ChunkWrite(string StorageClass, string Sha256, string? Crc32, ObjectLock? Lock = null)
{
    /// <summary>The user metadata (x-amz-meta-sha256) that carries a chunk object's SHA-256.</summary>
    public const string Sha256Metadata = "sha256";
}
