using BtrfsToS3.Shared.Hashing;

namespace BtrfsToS3.Uploader.S3;

/// <summary>
/// What a HEAD of an object says: its size and ETag as S3 computed them from what it stored, its full-object CRC-32
/// where S3 keeps one, the SHA-256 we put in its metadata, its storage class, and where a thaw stands
/// (x-amz-restore: ongoing, or done until an expiry); its Object Lock retention, if any; and, in a versioned bucket,
/// which version it is.
/// </summary>
internal sealed record ObjectHead(
    long Size,
    string Etag,
    string? Crc32,
    string? Sha256,
    string StorageClass,
    bool ThawOngoing,
    DateTime? ThawExpires,
    ObjectLock? Lock = null,
    string? VersionId = null
)
{
    /// <summary>As a chunk's identity reads, for the line that reports a mismatch.</summary>
    public override string ToString() =>
        $"{Size} bytes with ETag {S3Etag.Normalize(Etag)}" + (Crc32 is null ? string.Empty : $" and CRC-32 {Crc32}");
}
