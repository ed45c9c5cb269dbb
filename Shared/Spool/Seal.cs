namespace BtrfsToS3.Shared.Spool;

/// <summary>
/// seal.json, written last and atomically when <c>btrfs send</c> exited 0 and every chunk is ready:
/// the stream is whole. Without a seal a stream is never published.
/// </summary>
internal sealed record Seal(
    int FormatVersion,
    string Stream,
    string Subvolume,
    StreamKind Kind,
    SnapshotRef Snapshot,
    SnapshotRef? Parent,
    string Generation,
    int ChainPosition,
    long ChunkSize,
    long PartSize,
    int ChunkCount,
    long TotalBytes,
    string Sha256,
    IReadOnlyList<string> SendCommand,
    string BtrfsProgsVersion,
    string KernelVersion,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    IReadOnlyList<ChunkRecord> Chunks);
