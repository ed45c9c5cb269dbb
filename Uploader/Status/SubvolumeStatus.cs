using BtrfsToS3.Shared.Spool;

namespace BtrfsToS3.Uploader.Status;

/// <summary>
/// One subvolume's backup state: what S3 holds, what is due, what waits in the spool; for a nested one, where it lies
/// and whether it is still there on the host (one that is gone keeps its chain in S3). Owner is the source its pointer
/// belongs to, and OwnedElsewhere says that is not this host's filesystem (README, "One prefix, one host"). Locks is
/// each kept generation's Object Lock. WithoutCatalog names the streams of the current generation that have no catalog
/// (docs/FORMAT.md, "Catalog"), which <c>ls</c>, <c>find</c> and <c>diff</c> cannot see into.
/// </summary>
internal sealed record SubvolumeStatus(
    string Subvolume,
    NestedPlace? Nested,
    bool? GoneFromHost,
    SourceRef? Owner,
    bool OwnedElsewhere,
    string? CurrentGeneration,
    int Generations,
    int ChainLength,
    IReadOnlyList<GenerationLock> Locks,
    PublishedStream? LastFull,
    PublishedStream? LastIncremental,
    DateTimeOffset? NextFullDue,
    string? ParentSnapshot,
    IReadOnlyList<StreamInSpool> Spool,
    string? Problem,
    IReadOnlyList<string>? WithoutCatalog = null
);
