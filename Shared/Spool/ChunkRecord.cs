using System.Text.Json.Serialization;

namespace BtrfsToS3.Shared.Spool;

/// <summary>
/// chunk-NNNNNN.json, the record beside a ready chunk, computed as its bytes left <c>btrfs send</c> (never re-read):
/// the SHA-256 that the manifest carries, and the ETag S3 must report for it when uploaded with PartSize
/// (see docs/FORMAT.md, "Verifying a chunk").
/// </summary>
internal sealed record ChunkRecord(
    int FormatVersion,
    int Index,
    string Name,
    long Size,
    string Sha256,
    long PartSize,
    int PartCount,
    string Etag) : IFormatVersioned
{
    /// <summary>Size, SHA-256 and ETag, compared only through <see cref="ChunkIdentity"/>.</summary>
    [JsonIgnore]
    public ChunkIdentity Identity => new(Size, Sha256, Etag);
}
