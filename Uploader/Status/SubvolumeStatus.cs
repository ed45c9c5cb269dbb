using BtrfsToS3.Shared.Spool;

namespace BtrfsToS3.Uploader.Status;

/// <summary>
/// One subvolume's backup state: what S3 holds, what is due, what waits in the spool; for a nested one, where it lies and
/// whether it is still there on the host (one that is gone keeps its chain in S3).
/// </summary>
internal sealed record SubvolumeStatus(
    string Subvolume,
    NestedPlace? Nested,
    bool? GoneFromHost,
    string? CurrentGeneration,
    int Generations,
    int ChainLength,
    PublishedStream? LastFull,
    PublishedStream? LastIncremental,
    DateTimeOffset? NextFullDue,
    string? ParentSnapshot,
    IReadOnlyList<StreamInSpool> Spool,
    string? Problem);
