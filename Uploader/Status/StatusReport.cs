namespace BtrfsToS3.Uploader.Status;

/// <summary>
/// What <c>btrfs-to-s3-uploader status</c> reports; its JSON form is <c>status --json</c>. SpoolChunkBytes is the chunk
/// data in the spool, counted as the quota counts it; Bandwidth is the cap on uploads and restore downloads; WrittenBy
/// is the build that made the report.
/// </summary>
internal sealed record StatusReport(
    int FormatVersion,
    WrittenBy WrittenBy,
    DateTimeOffset At,
    string Bucket,
    string Prefix,
    long SpoolChunkBytes,
    long SpoolQuota,
    long SpoolFree,
    bool SpoolerRunning,
    bool UploaderRunning,
    BandwidthStatus Bandwidth,
    RunSummary? LastRun,
    IReadOnlyList<SubvolumeStatus> Subvolumes,
    string? SigningKey = null
);
