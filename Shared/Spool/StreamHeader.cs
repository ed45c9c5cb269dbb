namespace BtrfsToS3.Shared.Spool;

/// <summary>
/// stream.json, written before the first chunk: everything needed to send the same stream again after a crash,
/// byte for byte (same snapshot, same parent, same chunk and part size), so its chunks get the same names and hashes.
/// </summary>
internal sealed record StreamHeader(
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
    IReadOnlyList<string> SendCommand,
    DateTimeOffset CreatedAt);
