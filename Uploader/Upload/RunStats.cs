namespace BtrfsToS3.Uploader.Upload;

/// <summary>A stats line per uploader run: when, how it ended, what it moved and published; <c>status</c> shows the last.</summary>
internal sealed record RunStats(
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    int ExitCode,
    int Chunks,
    long Bytes,
    double Seconds,
    double MbPerS,
    int Retries,
    int StreamsPublished) : StatsLine;
