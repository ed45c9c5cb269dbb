namespace BtrfsToS3.Uploader.Upload;

/// <summary>A stats line per chunk verified in S3: where it went, how big, how long, retried how often, sent or found
/// there.</summary>
internal sealed record ChunkStats(
    DateTimeOffset At,
    string Key,
    long Bytes,
    double Seconds,
    double MbPerS,
    int Retries,
    bool AlreadyThere
) : StatsLine;
