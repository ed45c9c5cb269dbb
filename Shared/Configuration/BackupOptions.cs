namespace BtrfsToS3.Shared.Configuration;

/// <summary>The whole validated configuration, one record per section; <see cref="ConfigLoader"/> is the only way to
/// get one.</summary>
internal sealed record BackupOptions(
    ConfigSource Source,
    IReadOnlyList<SubvolumeOptions> Subvolumes,
    NestedMode Nested,
    SnapshotOptions Snapshots,
    SpoolOptions Spool,
    StateOptions State,
    ScheduleOptions Schedule,
    S3Options S3,
    UploaderOptions Uploader,
    RetentionOptions Retention,
    PriceOptions Prices,
    RestoreOptions Restore,
    BtrfsOptions Btrfs,
    EncryptionOptions Encryption,
    NotifyOptions Notify
);
