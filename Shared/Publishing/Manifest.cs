using BtrfsToS3.Shared.Spool;

namespace BtrfsToS3.Shared.Publishing;

/// <summary>manifest.json: one published stream, written once with If-None-Match: * (docs/FORMAT.md).</summary>
internal sealed record Manifest(
    int FormatVersion,
    string Subvolume,
    string Stream,
    StreamKind Kind,
    string Generation,
    int ChainPosition,
    SnapshotRef Snapshot,
    SnapshotRef? Parent,
    string? ParentManifest,
    IReadOnlyList<string> SendCommand,
    string BtrfsProgsVersion,
    string KernelVersion,
    DateTimeOffset SendStartedAt,
    DateTimeOffset SendFinishedAt,
    DateTimeOffset PublishedAt,
    long ChunkSize,
    long PartSize,
    long TotalBytes,
    string Sha256,
    string StorageClass,
    IReadOnlyList<ManifestChunk> Chunks)
{
    /// <summary>True when the two describe the same stream, byte for byte (publication time aside).</summary>
    public bool SameStreamAs(Manifest other) =>
        Stream == other.Stream
        && Snapshot == other.Snapshot
        && Parent == other.Parent
        && TotalBytes == other.TotalBytes
        && Sha256 == other.Sha256
        && Chunks.SequenceEqual(other.Chunks);
}
