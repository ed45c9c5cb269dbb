namespace BtrfsToS3.Uploader.S3;

/// <summary>
/// How long S3 has been failing: from the first failure after its last answer, to now. An answer to any request (a
/// part of a long upload, a HEAD, a listing) stops it. So give_up_after measures the outage itself, not the time since
/// the last whole operation finished: neither a chunk that takes hours nor a long idle wait for the spooler counts.
/// </summary>
internal sealed class OutageClock(TimeProvider time)
{
    private readonly Lock _gate = new();
    private long? _failingSince;

    public TimeProvider Time { get; } = time;

    /// <summary>S3 answered a request: whatever failed before is over.</summary>
    public void Answered()
    {
        lock (_gate)
        {
            _failingSince = null;
        }
    }

    /// <summary>A request failed as an outage does; returns how long S3 has been failing, zero for the first
    /// failure.</summary>
    public TimeSpan Failed()
    {
        lock (_gate)
        {
            _failingSince ??= Time.GetTimestamp();
            return Time.GetElapsedTime(_failingSince.Value);
        }
    }
}
