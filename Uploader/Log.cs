using BtrfsToS3.Uploader.Notify;

namespace BtrfsToS3.Uploader;

/// <summary>The uploader's log messages (event ids 200–299).</summary>
internal static partial class Log
{
    [LoggerMessage(
        EventId = 200,
        EventName = "ChecksumCompatibility",
        Level = LogLevel.Warning,
        Message = "compatibility: request_checksum_calculation = when_required: no flexible checksums on the wire (for S3 servers that reject them); chunks are still verified by size and ETag"
    )]
    public static partial void ChecksumCompatibility(ILogger logger);

    [LoggerMessage(
        EventId = 201,
        EventName = "Retrying",
        Level = LogLevel.Warning,
        Message = "{What}: {Reason}; retrying in {Seconds:0} s"
    )]
    public static partial void Retrying(ILogger logger, string what, string reason, double seconds);

    [LoggerMessage(
        EventId = 202,
        EventName = "ChunkUploaded",
        Level = LogLevel.Information,
        Message = "stream {Stream}: {Chunk} verified in S3 and deleted from the spool, {Bytes} bytes, {Seconds:0.0} s, {MegabytesPerSecond:0.0} MB/s, {Retries} retries{Note}"
    )]
    public static partial void ChunkUploaded(
        ILogger logger,
        string stream,
        string chunk,
        long bytes,
        double seconds,
        double megabytesPerSecond,
        int retries,
        string note
    );

    [LoggerMessage(
        EventId = 203,
        EventName = "Progress",
        Level = LogLevel.Information,
        Message = "progress: {Bytes} bytes uploaded, {MegabytesPerSecond:0.0} MB/s, bandwidth cap {Cap}, {Left} bytes ready in the spool, ETA {Eta}"
    )]
    public static partial void Progress(
        ILogger logger,
        long bytes,
        double megabytesPerSecond,
        string cap,
        long left,
        string eta
    );

    [LoggerMessage(
        EventId = 204,
        EventName = "StreamPublished",
        Level = LogLevel.Information,
        Message = "stream {Stream}: published ({Kind}, generation {Generation}, chain position {Position}): {ManifestKey}"
    )]
    public static partial void StreamPublished(
        ILogger logger,
        string stream,
        string kind,
        string generation,
        int position,
        string manifestKey
    );

    [LoggerMessage(
        EventId = 205,
        EventName = "ManifestAlreadyWritten",
        Level = LogLevel.Information,
        Message = "manifest {Key} was already written by an earlier run (412 on If-None-Match) and describes the same stream"
    )]
    public static partial void ManifestAlreadyWritten(ILogger logger, string key);

    [LoggerMessage(
        EventId = 206,
        EventName = "StreamNotPublished",
        Level = LogLevel.Error,
        Message = "stream {Stream}: not published: {Message}"
    )]
    public static partial void StreamNotPublished(ILogger logger, string stream, string message);

    [LoggerMessage(EventId = 207, EventName = "ChunkFailed", Level = LogLevel.Error, Message = "{Path}: {Message}")]
    public static partial void ChunkFailed(ILogger logger, string path, string message);

    [LoggerMessage(
        EventId = 208,
        EventName = "RunSummary",
        Level = LogLevel.Information,
        Message = "run: {Chunks} chunks, {Bytes} bytes in {Seconds:0.0} s, {MegabytesPerSecond:0.0} MB/s, {Retries} retries, {Published} streams published"
    )]
    public static partial void RunSummary(
        ILogger logger,
        int chunks,
        long bytes,
        double seconds,
        double megabytesPerSecond,
        int retries,
        int published
    );

    [LoggerMessage(
        EventId = 209,
        EventName = "AbortedUpload",
        Level = LogLevel.Warning,
        Message = "aborted an abandoned multipart upload of {Key}, started {Initiated}"
    )]
    public static partial void AbortedUpload(ILogger logger, string key, string initiated);

    [LoggerMessage(
        EventId = 211,
        EventName = "GenerationHeldBack",
        Level = LogLevel.Information,
        Message = "subvolume {Subvolume}: generation {Generation} is beyond keep_generations but kept until {Date} (min_age_days = {MinAgeDays})"
    )]
    public static partial void GenerationHeldBack(
        ILogger logger,
        string subvolume,
        string generation,
        string date,
        int minAgeDays
    );

    [LoggerMessage(
        EventId = 212,
        EventName = "GenerationDeleted",
        Level = LogLevel.Information,
        Message = "subvolume {Subvolume}: generation {Generation} deleted from S3, {Objects} objects, {Bytes} bytes"
    )]
    public static partial void GenerationDeleted(
        ILogger logger,
        string subvolume,
        string generation,
        int objects,
        long bytes
    );

    [LoggerMessage(
        EventId = 213,
        EventName = "GenerationWouldBeDeleted",
        Level = LogLevel.Information,
        Message = "dry run: subvolume {Subvolume}: generation {Generation} would be deleted, {Objects} objects, {Bytes} bytes"
    )]
    public static partial void GenerationWouldBeDeleted(
        ILogger logger,
        string subvolume,
        string generation,
        int objects,
        long bytes
    );

    [LoggerMessage(
        EventId = 260,
        EventName = "StrayObjects",
        Level = LogLevel.Warning,
        Message = "subvolume {Subvolume}: {Address} holds {Objects} objects ({Bytes} bytes) that are not btrfs_to_s3's (not the layout of docs/FORMAT.md); left alone, never deleted"
    )]
    public static partial void StrayObjects(ILogger logger, string subvolume, string address, int objects, long bytes);

    [LoggerMessage(
        EventId = 261,
        EventName = "PointerChangedDuringRetention",
        Level = LogLevel.Warning,
        Message = "subvolume {Subvolume}: pointer {Address} changed while retention read it (another writer?); nothing deleted, retention runs again after the next publish"
    )]
    public static partial void PointerChangedDuringRetention(ILogger logger, string subvolume, string address);

    [LoggerMessage(
        EventId = 262,
        EventName = "PointerChanged",
        Level = LogLevel.Warning,
        Message = "stream {Stream}: pointer {Address} changed since it was read (attempt {Attempt}); reading it again"
    )]
    public static partial void PointerChanged(ILogger logger, string stream, string address, int attempt);

    [LoggerMessage(
        EventId = 263,
        EventName = "PointerTakenOver",
        Level = LogLevel.Warning,
        Message = "stream {Stream}: pointer {Address} belonged to {Previous}; taken over for {Owner} (--take-over)"
    )]
    public static partial void PointerTakenOver(
        ILogger logger,
        string stream,
        string address,
        string previous,
        string owner
    );

    [LoggerMessage(EventId = 264, EventName = "PointerOwnedByAnother", Level = LogLevel.Error, Message = "{Line}")]
    public static partial void PointerOwnedByAnother(ILogger logger, string line);

    [LoggerMessage(
        EventId = 265,
        EventName = "ThawDays",
        Level = LogLevel.Information,
        Message = "thawed copies are kept {Days} days for the {Bytes} bytes still to receive ({How})"
    )]
    public static partial void ThawDays(ILogger logger, int days, long bytes, string how);

    [LoggerMessage(
        EventId = 269,
        EventName = "GenerationLocked",
        Level = LogLevel.Information,
        Message = "subvolume {Subvolume}: generation {Generation} is beyond keep_generations but its Object Lock holds it until {Until}; the first prune after that deletes it"
    )]
    public static partial void GenerationLocked(ILogger logger, string subvolume, string generation, string until);

    [LoggerMessage(
        EventId = 266,
        EventName = "LocksExtended",
        Level = LogLevel.Information,
        Message = "subvolume {Subvolume}: generation {Generation}: the Object Lock of {Objects} objects extended to {Until}, as long as its newest object's"
    )]
    public static partial void LocksExtended(
        ILogger logger,
        string subvolume,
        string generation,
        int objects,
        string until
    );

    [LoggerMessage(
        EventId = 267,
        EventName = "PointerVersionChosen",
        Level = LogLevel.Information,
        Message = "subvolume {Subvolume}: restoring from pointer version {Version}, written {WrittenAt}"
    )]
    public static partial void PointerVersionChosen(ILogger logger, string subvolume, string version, string writtenAt);

    [LoggerMessage(
        EventId = 268,
        EventName = "PointerVersionPassedOver",
        Level = LogLevel.Warning,
        Message = "subvolume {Subvolume}: pointer version {Version}, written {WrittenAt}, passed over: {Flaw}"
    )]
    public static partial void PointerVersionPassedOver(
        ILogger logger,
        string subvolume,
        string version,
        string writtenAt,
        string flaw
    );

    [LoggerMessage(
        EventId = 214,
        EventName = "BandwidthCap",
        Level = LogLevel.Information,
        Message = "bandwidth cap now {Cap}; schedule: {Schedule}"
    )]
    public static partial void BandwidthCap(ILogger logger, string cap, string schedule);

    [LoggerMessage(
        EventId = 215,
        EventName = "NoBandwidthCap",
        Level = LogLevel.Information,
        Message = "no bandwidth cap now; schedule: {Schedule}"
    )]
    public static partial void NoBandwidthCap(ILogger logger, string schedule);

    [LoggerMessage(
        EventId = 220,
        EventName = "ChunkAlreadyDownloaded",
        Level = LogLevel.Information,
        Message = "{Key}: already downloaded and verified"
    )]
    public static partial void ChunkAlreadyDownloaded(ILogger logger, string key);

    [LoggerMessage(
        EventId = 221,
        EventName = "ChunkMismatch",
        Level = LogLevel.Warning,
        Message = "{Key}: downloaded SHA-256 {Actual}, manifest says {Expected} (attempt {Attempt})"
    )]
    public static partial void ChunkMismatch(ILogger logger, string key, string actual, string expected, int attempt);

    [LoggerMessage(
        EventId = 222,
        EventName = "StreamAlreadyReceived",
        Level = LogLevel.Information,
        Message = "stream {Stream}: already received in the target"
    )]
    public static partial void StreamAlreadyReceived(ILogger logger, string stream);

    [LoggerMessage(
        EventId = 223,
        EventName = "StreamReceived",
        Level = LogLevel.Information,
        Message = "stream {Stream}: {Bytes} bytes {What}, {Seconds:0.0} s, {MegabytesPerSecond:0.0} MB/s"
    )]
    public static partial void StreamReceived(
        ILogger logger,
        string stream,
        long bytes,
        double seconds,
        double megabytesPerSecond,
        string what
    );

    [LoggerMessage(
        EventId = 224,
        EventName = "StreamDumped",
        Level = LogLevel.Information,
        Message = "stream {Stream}: btrfs receive --dump read it whole ({Lines} commands)"
    )]
    public static partial void StreamDumped(ILogger logger, string stream, long lines);

    [LoggerMessage(
        EventId = 225,
        EventName = "HalfReceivedRemoved",
        Level = LogLevel.Warning,
        Message = "{Path}: the failed receive left this subvolume; it {Outcome}"
    )]
    public static partial void HalfReceivedRemoved(ILogger logger, string path, string outcome);

    [LoggerMessage(
        EventId = 226,
        EventName = "ReceiveOutput",
        Level = LogLevel.Information,
        Message = "stream {Stream}: btrfs: {Line}"
    )]
    public static partial void ReceiveOutput(ILogger logger, string stream, string line);

    [LoggerMessage(
        EventId = 227,
        EventName = "ThawCost",
        Level = LogLevel.Warning,
        Message = "thaw: requesting {Chunks} archived chunks, {Bytes} bytes, tier {Tier}; thawing and downloading them costs about {Cost}"
    )]
    public static partial void ThawCost(ILogger logger, int chunks, long bytes, string tier, string cost);

    [LoggerMessage(
        EventId = 228,
        EventName = "ThawProgress",
        Level = LogLevel.Information,
        Message = "thaw: {Ready} of {Total} chunks ready, {Thawing} thawing (tier {Tier}: {Expected})"
    )]
    public static partial void ThawProgress(
        ILogger logger,
        int ready,
        int total,
        int thawing,
        string tier,
        string expected
    );

    [LoggerMessage(
        EventId = 229,
        EventName = "NoArchiveTier",
        Level = LogLevel.Information,
        Message = "thaw: the server does not implement RestoreObject for {Key}; it serves archived objects as they are"
    )]
    public static partial void NoArchiveTier(ILogger logger, string key);

    [LoggerMessage(
        EventId = 230,
        EventName = "NestedNotRestored",
        Level = LogLevel.Warning,
        Message = "nested subvolume {Subvolume}: not restored: {Reason}"
    )]
    public static partial void NestedNotRestored(ILogger logger, string subvolume, string reason);

    [LoggerMessage(
        EventId = 231,
        EventName = "PutInPlace",
        Level = LogLevel.Information,
        Message = "{Subvolume}: restored as a writable subvolume at {Path}"
    )]
    public static partial void PutInPlace(ILogger logger, string subvolume, string path);

    [LoggerMessage(
        EventId = 240,
        EventName = "UploadResumed",
        Level = LogLevel.Information,
        Message = "{Key}: resuming multipart upload {UploadId}: {Kept} of {Parts} parts already in S3, {Resent} to send again"
    )]
    public static partial void UploadResumed(
        ILogger logger,
        string key,
        string uploadId,
        int kept,
        int parts,
        int resent
    );

    [LoggerMessage(
        EventId = 241,
        EventName = "UploadStartedOver",
        Level = LogLevel.Warning,
        Message = "{Key}: S3 no longer knows multipart upload {UploadId} (aborted, or by the bucket's lifecycle rule); starting the chunk over"
    )]
    public static partial void UploadStartedOver(ILogger logger, string key, string uploadId);

    [LoggerMessage(
        EventId = 242,
        EventName = "StreamHeld",
        Level = LogLevel.Error,
        Message = "stream {Stream} is held since {HeldAt:O}: {Chunk} part {Part} is damaged on the spool ({Reason}); nothing of it is sent until a person acts (README, \"A damaged chunk\"): {Dir}"
    )]
    public static partial void StreamHeld(
        ILogger logger,
        string stream,
        DateTimeOffset heldAt,
        string chunk,
        int part,
        string reason,
        string dir
    );

    [LoggerMessage(
        EventId = 270,
        EventName = "NotifyFailed",
        Level = LogLevel.Warning,
        Message = "notify: {Target} ({Event}) not told: {Problem}; the run's outcome is unchanged"
    )]
    public static partial void NotifyFailed(ILogger logger, string target, NotifyEvent @event, string problem);

    [LoggerMessage(
        EventId = 271,
        EventName = "NotifyAlreadyReported",
        Level = LogLevel.Information,
        Message = "notify: {Unit} ended with exit {ExitStatus} and told [notify] itself; not told again"
    )]
    public static partial void NotifyAlreadyReported(ILogger logger, string unit, string exitStatus);

    [LoggerMessage(
        EventId = 280,
        EventName = "CatalogPublished",
        Level = LogLevel.Information,
        Message = "stream {Stream}: catalog {Address} verified ({Bytes} bytes)"
    )]
    public static partial void CatalogPublished(ILogger logger, string stream, string address, long bytes);

    [LoggerMessage(
        EventId = 281,
        EventName = "CatalogDamaged",
        Level = LogLevel.Error,
        Message = "stream {Stream}: catalog {Path} is {Problem}; the stream is published without a catalog (its data is whole: a restore of the chain works, browsing it does not)"
    )]
    public static partial void CatalogDamaged(ILogger logger, string stream, string path, string problem);
}
