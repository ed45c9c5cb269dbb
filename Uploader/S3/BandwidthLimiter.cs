namespace BtrfsToS3.Uploader.S3;

/// <summary>
/// The [uploader] bandwidth cap: one token bucket that every connection draws from, so the cap is on their total. The
/// cap follows the schedule by local time, looked up at each call; a change is logged once. A caller takes its bytes
/// from the bucket at once, into debt if need be, and then waits until the debt is paid. So a read larger than the
/// bucket still goes (after its wait) instead of waiting forever for a bucket that can never hold it, each call needs
/// one timer at most, and callers are served in the order they asked. Over any span, the bytes let through exceed the
/// rate by at most what the bucket holds (a quarter second of the rate) plus the one draw let through at the span's
/// start; draws of at most <see cref="LargestRead"/> (a tenth of a second) keep that within 3.5 % of any 10 s.
/// </summary>
internal sealed class BandwidthLimiter(BandwidthSchedule schedule, TimeProvider time, ILogger logger)
{
    /// <summary>What a bucket filled by an idle spell holds, as time at the rate.</summary>
    private static readonly TimeSpan Burst = TimeSpan.FromMilliseconds(250);

    /// <summary>The bytes of one draw, as time at the rate: a larger one would go out in one lump.</summary>
    private static readonly TimeSpan LargestDraw = TimeSpan.FromMilliseconds(100);

    private readonly Lock _gate = new();
    private long? _bytesPerSecond;
    private double _tokens;
    private long _refilledAt;
    private long _drawn;

    /// <summary>The cap the schedule sets now, as people read it ("100 Mbit/s (12.5 MB/s)", "off").</summary>
    public string CurrentCap =>
        BandwidthSchedule.DescribeRate(schedule.IsOff ? null : schedule.BytesPerSecondAt(time.GetLocalNow().DateTime));

    /// <summary>
    /// The most a reader should draw at once for the cap to hold: a tenth of a second at the cap now, so never under
    /// 6,250 bytes; <see cref="int.MaxValue"/> while no cap holds.
    /// </summary>
    public int LargestRead =>
        (schedule.IsOff ? null : schedule.BytesPerSecondAt(time.GetLocalNow().DateTime)) is { } rate
            ? (int)Math.Min(int.MaxValue, rate * LargestDraw.TotalSeconds)
            : int.MaxValue;

    /// <summary>Bytes drawn so far, capped or not: what the transfers moved (a body sent twice counts twice).</summary>
    public long BytesDrawn => Interlocked.Read(ref _drawn);

    /// <summary>Completes when the caller may move the bytes; at once, and without allocating, while no cap
    /// holds.</summary>
    public ValueTask WaitAsync(int bytes, CancellationToken cancellationToken)
    {
        Interlocked.Add(ref _drawn, bytes);
        if (schedule.IsOff)
        {
            return ValueTask.CompletedTask;
        }

        TimeSpan wait;
        lock (_gate)
        {
            long? rate = schedule.BytesPerSecondAt(time.GetLocalNow().DateTime);
            long now = time.GetTimestamp();
            if (rate != _bytesPerSecond)
            {
                // The debt stays and any credit goes: what was let through under the old cap is not spent again.
                _tokens = rate is null ? 0 : Math.Min(_tokens, 0);
                _refilledAt = now;
                _bytesPerSecond = rate;
                if (rate is null)
                {
                    Log.NoBandwidthCap(logger, schedule.Text);
                }
                else
                {
                    Log.BandwidthCap(logger, BandwidthSchedule.DescribeRate(rate), schedule.Text);
                }
            }

            if (rate is not { } perSecond)
            {
                return ValueTask.CompletedTask;
            }

            _tokens = Math.Min(
                perSecond * Burst.TotalSeconds,
                _tokens + (perSecond * time.GetElapsedTime(_refilledAt, now).TotalSeconds)
            );
            _refilledAt = now;
            _tokens -= bytes;
            if (_tokens >= 0)
            {
                return ValueTask.CompletedTask;
            }

            // Task.Delay counts whole milliseconds and drops the rest, so a wait is rounded up, never down to none.
            wait = TimeSpan.FromMilliseconds(Math.Ceiling(-_tokens * 1000 / perSecond));
        }

        // A caller cancelled while it waits keeps its bytes drawn: the callers after it wait a little longer than they
        // need, which is simpler than giving bytes back to a bucket that others have drawn from since.
        return new ValueTask(Task.Delay(wait, time, cancellationToken));
    }
}
