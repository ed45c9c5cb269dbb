namespace BtrfsToS3.Uploader.Upload;

/// <summary>A stats line per uploader run: when, how it ended, what it moved and published; <c>status</c> shows the
/// last.</summary>
/// <param name="WrittenBy">The build that ran (<c>btrfs_to_s3 0.2.0 (abc1234)</c>), so that a change in the figures can
/// be laid beside a release; null in lines written before it was recorded.</param>
internal sealed record RunStats(
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    int ExitCode,
    int Chunks,
    long Bytes,
    double Seconds,
    double MbPerS,
    int Retries,
    int StreamsPublished,
    string? WrittenBy
) : StatsLine;
