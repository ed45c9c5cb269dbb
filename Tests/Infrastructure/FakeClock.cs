namespace BtrfsToS3.Tests.Infrastructure;

/// <summary>
/// A clock that moves only when the code under test waits on it, or the test calls <see cref="Advance"/>. A timer
/// fires the moment it is created, after moving the clock forward by its due time, so <c>Task.Delay(d, clock, ct)</c>
/// is already complete, d later, when the caller awaits it. Timers that fire only when the test advances the clock
/// would need the test to know when the code has reached its wait, and would resume that code on whichever thread
/// advanced the clock; with timers that fire at once, an async method runs to its end on the test's thread, taking the
/// same steps every run, and an hour of backoff costs no real time. Each wait is kept in <see cref="Waits"/>.
/// One test thread at a time; one-shot timers only (a periodic one would fire forever at once, so it is refused).
/// </summary>
internal sealed class FakeClock(DateTimeOffset start) : TimeProvider
{
    private readonly List<TimeSpan> _waits = [];
    private long _elapsedTicks;

    /// <summary>The due time of every timer, in the order they were set.</summary>
    public IReadOnlyList<TimeSpan> Waits => _waits;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => _elapsedTicks;

    public override DateTimeOffset GetUtcNow() => start.AddTicks(_elapsedTicks);

    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        _elapsedTicks += by.Ticks;
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ImmediateTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private sealed class ImmediateTimer(FakeClock clock, TimerCallback callback, object? state) : ITimer
    {
        private bool _disposed;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            if (_disposed)
            {
                return false;
            }

            if (period != Timeout.InfiniteTimeSpan && period != TimeSpan.Zero)
            {
                throw new NotSupportedException($"{nameof(FakeClock)} fires one-shot timers only");
            }

            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                clock._waits.Add(dueTime);
                clock.Advance(dueTime);
                callback(state);
            }

            return true;
        }

        public void Dispose() => _disposed = true;

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
