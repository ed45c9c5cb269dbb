namespace BtrfsToS3.Spooler;

/// <summary>The spooler's log messages (event ids 100–199).</summary>
internal static partial class Log
{
    [LoggerMessage(
        EventId = 100,
        EventName = "ChunkReady",
        Level = LogLevel.Information,
        Message = "stream {Stream}: {Chunk} ready, {Bytes} bytes ({StreamBytes} of the stream), sha256 {Sha256}"
    )]
    public static partial void ChunkReady(
        ILogger logger,
        string stream,
        string chunk,
        long bytes,
        long streamBytes,
        string sha256
    );

    [LoggerMessage(
        EventId = 101,
        EventName = "QuotaPaused",
        Level = LogLevel.Information,
        Message = "spool full ({Reason}): pausing until {Bytes} more bytes are free (spool holds {Used} of quota {Quota})"
    )]
    public static partial void QuotaPaused(ILogger logger, long bytes, long used, long quota, string reason);

    [LoggerMessage(
        EventId = 102,
        EventName = "QuotaResumed",
        Level = LogLevel.Information,
        Message = "spool has room again: resuming after waiting {Seconds:0.0} s for {Bytes} bytes (spool holds {Used} of quota {Quota})"
    )]
    public static partial void QuotaResumed(ILogger logger, long bytes, double seconds, long used, long quota);

    [LoggerMessage(
        EventId = 103,
        EventName = "SendStarted",
        Level = LogLevel.Information,
        Message = "stream {Stream}: sending {Kind}: {Command}"
    )]
    public static partial void SendStarted(ILogger logger, string stream, string kind, string command);

    [LoggerMessage(
        EventId = 104,
        EventName = "SendOutput",
        Level = LogLevel.Information,
        Message = "stream {Stream}: btrfs: {Line}"
    )]
    public static partial void SendOutput(ILogger logger, string stream, string line);

    [LoggerMessage(
        EventId = 105,
        EventName = "StreamSealed",
        Level = LogLevel.Information,
        Message = "stream {Stream}: sealed, {Chunks} chunks, {Bytes} bytes, sha256 {Sha256}, {Seconds:0.0} s, {MegabytesPerSecond:0.0} MB/s"
    )]
    public static partial void StreamSealed(
        ILogger logger,
        string stream,
        int chunks,
        long bytes,
        string sha256,
        double seconds,
        double megabytesPerSecond
    );

    [LoggerMessage(
        EventId = 106,
        EventName = "StraySpoolEntry",
        Level = LogLevel.Warning,
        Message = "spool: {Path} is not a stream of btrfs_to_s3; left alone"
    )]
    public static partial void StraySpoolEntry(ILogger logger, string path);

    [LoggerMessage(
        EventId = 107,
        EventName = "SubvolumeFailed",
        Level = LogLevel.Error,
        Message = "subvolume {Subvolume}: {Message}"
    )]
    public static partial void SubvolumeFailed(ILogger logger, string subvolume, string message);

    [LoggerMessage(
        EventId = 108,
        EventName = "WaitingForUpload",
        Level = LogLevel.Information,
        Message = "subvolume {Subvolume}: stream {Stream} is sealed and not yet published; no new stream until it is"
    )]
    public static partial void WaitingForUpload(ILogger logger, string subvolume, string stream);

    [LoggerMessage(
        EventId = 109,
        EventName = "ResendingUnsealed",
        Level = LogLevel.Warning,
        Message = "stream {Stream}: an earlier run did not seal it; sending it again from the same snapshot"
    )]
    public static partial void ResendingUnsealed(ILogger logger, string stream);

    [LoggerMessage(
        EventId = 110,
        EventName = "StreamPlanned",
        Level = LogLevel.Information,
        Message = "subvolume {Subvolume}: {Kind} stream, because {Reason}"
    )]
    public static partial void StreamPlanned(ILogger logger, string subvolume, string kind, string reason);

    [LoggerMessage(
        EventId = 111,
        EventName = "SnapshotCreated",
        Level = LogLevel.Information,
        Message = "snapshot {Path} created, UUID {Uuid}"
    )]
    public static partial void SnapshotCreated(ILogger logger, string path, string uuid);

    [LoggerMessage(
        EventId = 112,
        EventName = "CannotResend",
        Level = LogLevel.Warning,
        Message = "stream {Stream}: cannot be sent again ({Reason})"
    )]
    public static partial void CannotResend(ILogger logger, string stream, string reason);

    [LoggerMessage(
        EventId = 113,
        EventName = "StreamAbandoned",
        Level = LogLevel.Warning,
        Message = "stream {Stream}: unsealed; removed from the spool with its snapshot"
    )]
    public static partial void StreamAbandoned(ILogger logger, string stream);

    [LoggerMessage(
        EventId = 115,
        EventName = "SnapshotDeleted",
        Level = LogLevel.Information,
        Message = "snapshot {Path} deleted (retention {Retention})"
    )]
    public static partial void SnapshotDeleted(ILogger logger, string path, string retention);

    [LoggerMessage(
        EventId = 116,
        EventName = "PruneSkipped",
        Level = LogLevel.Information,
        Message = "subvolume {Subvolume}: no local snapshot deleted: {Reason}"
    )]
    public static partial void PruneSkipped(ILogger logger, string subvolume, string reason);

    [LoggerMessage(
        EventId = 117,
        EventName = "NestedSkipped",
        Level = LogLevel.Information,
        Message = "nested subvolume {Path}: not backed up: {Reason}"
    )]
    public static partial void NestedSkipped(ILogger logger, string path, string reason);

    [LoggerMessage(
        EventId = 118,
        EventName = "NestedExcluded",
        Level = LogLevel.Warning,
        Message = "subvolume {Subvolume}: {Count} nested subvolumes NOT backed up ([subvolumes] nested = exclude): {Paths}"
    )]
    public static partial void NestedExcluded(ILogger logger, string subvolume, int count, string paths);

    [LoggerMessage(
        EventId = 119,
        EventName = "NestedFound",
        Level = LogLevel.Information,
        Message = "subvolume {Subvolume}: nested subvolume {Path} is backed up as {Name}"
    )]
    public static partial void NestedFound(ILogger logger, string subvolume, string path, string name);

    [LoggerMessage(
        EventId = 120,
        EventName = "GenerationKeepsEncoding",
        Level = LogLevel.Warning,
        Message = "subvolume {Subvolume}: {Setting} is now {Configured}, but its generation {Generation} was started with {Kept}: its streams keep that until the next full (run with --full to start one now)"
    )]
    public static partial void GenerationKeepsEncoding(
        ILogger logger,
        string subvolume,
        string setting,
        string configured,
        string generation,
        string kept
    );

    [LoggerMessage(
        EventId = 121,
        EventName = "CatalogWritten",
        Level = LogLevel.Information,
        Message = "stream {Stream}: catalog written ({Lines} lines, {Bytes} bytes)"
    )]
    public static partial void CatalogWritten(ILogger logger, string stream, long lines, long bytes);

    [LoggerMessage(
        EventId = 122,
        EventName = "CatalogAbandoned",
        Level = LogLevel.Warning,
        Message = "stream {Stream}: sealed without a catalog ({Reason}); its chunks are whole and restore as a chain, but its files cannot be browsed"
    )]
    public static partial void CatalogAbandoned(ILogger logger, string stream, string reason);
}
