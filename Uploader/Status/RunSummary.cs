namespace BtrfsToS3.Uploader.Status;

/// <summary>The uploader's last run, from the stats file.</summary>
internal sealed record RunSummary(
    DateTimeOffset FinishedAt,
    int ExitCode,
    int Chunks,
    long Bytes,
    double Seconds,
    double MegabytesPerSecond,
    int StreamsPublished
);
