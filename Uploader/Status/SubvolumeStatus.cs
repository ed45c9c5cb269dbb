namespace BtrfsToS3.Uploader.Status;

/// <summary>One subvolume's backup state: what S3 holds, what is due, what waits in the spool.</summary>
internal sealed record SubvolumeStatus(
    string Subvolume,
    string? CurrentGeneration,
    int Generations,
    int ChainLength,
    PublishedStream? LastFull,
    PublishedStream? LastIncremental,
    DateTimeOffset? NextFullDue,
    string? ParentSnapshot,
    IReadOnlyList<StreamInSpool> Spool,
    string? Problem);
