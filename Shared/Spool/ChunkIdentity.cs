using BtrfsToS3.Shared.Hashing;

namespace BtrfsToS3.Shared.Spool;

/// <summary>
/// What a chunk is, as the spooler computed it when its bytes left <c>btrfs send</c>: its size, SHA-256, the ETag S3
/// must report for it, and its CRC-32. The chunk record, the uploaded record and the manifest each carry it; it is
/// compared here and nowhere else (docs/FORMAT.md, "Verifying a chunk").
/// </summary>
internal sealed record ChunkIdentity(long Size, string Sha256, string Etag, string Crc32)
{
    /// <summary>
    /// True when S3 stored exactly these bytes: the size and the ETag S3 computed from what it stored, and the CRC-32
    /// where S3 keeps one (AWS does for an object uploaded with it; a server without flexible checksums reports none).
    /// </summary>
    public bool IsStoredAs(long storedSize, string storedEtag, string? storedCrc32) =>
        storedSize == Size && S3Etag.Normalize(storedEtag) == Etag && (storedCrc32 is null || storedCrc32 == Crc32);

    /// <summary>True when an object found in S3 is this chunk sent before, its SHA-256 metadata included.</summary>
    public bool IsSameAs(long storedSize, string storedEtag, string? storedCrc32, string? storedSha256) =>
        storedSha256 == Sha256 && IsStoredAs(storedSize, storedEtag, storedCrc32);

    public override string ToString() => $"{Size} bytes with ETag {Etag} and CRC-32 {Crc32}";
}
