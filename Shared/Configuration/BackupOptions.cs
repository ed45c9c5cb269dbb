namespace BtrfsToS3.Shared.Configuration;

/// <summary>The whole validated configuration; <see cref="ConfigLoader"/> is the only way to get one.</summary>
internal sealed record BackupOptions(
    ConfigSource Source,
    IReadOnlyList<SubvolumeOptions> Subvolumes,
    SnapshotOptions Snapshots,
    SpoolOptions Spool,
    string StateDir,
    string MetricsFile,
    int FullEveryDays,
    S3Options S3,
    UploaderOptions Uploader,
    int KeepGenerations,
    int MinAgeDays,
    PriceOptions Prices,
    RestoreOptions Restore);
