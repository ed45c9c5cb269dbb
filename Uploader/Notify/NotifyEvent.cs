namespace BtrfsToS3.Uploader.Notify;

/// <summary>What a notification tells, as healthchecks.io's pings name it (the URL's suffix: /start, none,
/// /fail).</summary>
internal enum NotifyEvent
{
    Start,
    Success,
    Fail,
}
