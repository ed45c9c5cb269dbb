using BtrfsToS3.Shared.Hashing;

namespace BtrfsToS3.Shared.Spool;

/// <summary>
/// What a chunk is, as the spooler computed it when its bytes left <c>btrfs send</c>: its size, SHA-256, and the ETag
/// S3 must report for it. The chunk record, the uploaded record and the manifest each carry it; it is compared here
/// and nowhere else (docs/FORMAT.md, "Verifying a chunk").
/// </summary>
internal sealed record ChunkIdentity(long Size, string Sha256, string Etag)
{
    /// <summary>True when S3 stored exactly these bytes: the size and the ETag S3 computed from what it stored.</summary>
    public bool IsStoredAs(long storedSize, string storedEtag) => storedSize == Size && S3Etag.Normalize(storedEtag) == Etag;

    /// <summary>True when an object found in S3 is this chunk sent before, its SHA-256 metadata included.</summary>
    public bool IsSameAs(long storedSize, string storedEtag, string? storedSha256) => storedSha256 == Sha256 && IsStoredAs(storedSize, storedEtag);

    public override string ToString() => $"{Size} bytes with ETag {Etag}";
}
