namespace BtrfsToS3.Tests.Infrastructure;

/// <summary>
/// A clock whose timers fire only when the test moves it with <see cref="Advance"/>: each at its due time, in due
/// order, on the test's thread. <see cref="FakeClock"/> fires a timer the moment it is set, so its waits run one after
/// another; here several callers wait side by side, as concurrent connections do, and the test sees which are done
/// after each step. Its local time zone is UTC, so tests name local times directly whatever the machine's zone is.
/// One test thread at a time; one-shot timers only.
/// </summary>
internal sealed class SteppedClock(DateTimeOffset start) : TimeProvider
{
    private readonly PriorityQueue<SteppedTimer, long> _due = new();
    private long _elapsedTicks;

    /// <summary>How many timers were set: how often a caller had to wait.</summary>
    public int TimersSet { get; private set; }

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => _elapsedTicks;

    public override DateTimeOffset GetUtcNow() => start.AddTicks(_elapsedTicks);

    /// <summary>Moves the clock on, firing every timer that falls due on the way at its due time.</summary>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        long until = _elapsedTicks + by.Ticks;
        while (_due.TryPeek(out SteppedTimer? timer, out long at) && at <= until)
        {
            _due.Dequeue();
            _elapsedTicks = Math.Max(_elapsedTicks, at);
            timer.FireIfDue(at);
        }

        _elapsedTicks = until;
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new SteppedTimer(this, callback, state);
        timer.Change(dueTime, period);
        TimersSet++;
        return timer;
    }

    private sealed class SteppedTimer(SteppedClock clock, TimerCallback callback, object? state) : ITimer
    {
        private long? _dueAt;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            if (period != Timeout.InfiniteTimeSpan && period != TimeSpan.Zero)
            {
                throw new NotSupportedException($"{nameof(SteppedClock)} has one-shot timers only");
            }

            // A timer moved or stopped leaves its old entry in the queue; FireIfDue skips it.
            _dueAt = dueTime == Timeout.InfiniteTimeSpan ? null : clock._elapsedTicks + dueTime.Ticks;
            if (_dueAt is { } at)
            {
                clock._due.Enqueue(this, at);
            }

            return true;
        }

        public void FireIfDue(long at)
        {
            if (_dueAt == at)
            {
                _dueAt = null;
                callback(state);
            }
        }

        public void Dispose() => _dueAt = null;

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
