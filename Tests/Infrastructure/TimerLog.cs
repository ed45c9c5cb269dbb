using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;

namespace BtrfsToS3.Tests.Infrastructure;

/// <summary>
/// A <see cref="FakeTimeProvider"/> seen by the code under test through a log of the timers it sets: FakeTimeProvider
/// keeps its timers to itself, and a test of backoff or of a bandwidth cap asserts how long each wait was, or that
/// there was none. Time itself is the fake's alone; this only forwards and writes down.
/// </summary>
internal sealed class TimerLog(FakeTimeProvider time) : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<TimeSpan> _waits = [];
    private int _driven;

    /// <summary>The due time of every timer, in the order they were set.</summary>
    public IReadOnlyList<TimeSpan> Waits
    {
        get
        {
            lock (_gate)
            {
                return [.. _waits];
            }
        }
    }

    public override TimeZoneInfo LocalTimeZone => time.LocalTimeZone;

    public override long TimestampFrequency => time.TimestampFrequency;

    public override long GetTimestamp() => time.GetTimestamp();

    public override DateTimeOffset GetUtcNow() => time.GetUtcNow();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        // Logged once the fake holds the timer, so that whoever moves time on for this wait finds it there.
        ITimer timer = time.CreateTimer(callback, state, dueTime, period);
        lock (_gate)
        {
            _waits.Add(dueTime);
        }

        return timer;
    }

    /// <summary>
    /// Moves the fake time on by each wait the code sets (those set before this call first), the moment it sets it,
    /// until <paramref name="task"/> is done: an hour of backoff costs no real time, and each wait lasts exactly its
    /// due time. The code may wait on another thread (a synchronous read that blocks on its wait).
    /// </summary>
    public async Task<T> Drive<T>(Task<T> task)
    {
        await Drive((Task)task);
        return await task;
    }

    public async Task Drive(Task task)
    {
        var patience = Stopwatch.StartNew();
        while (!task.IsCompleted)
        {
            IReadOnlyList<TimeSpan> waits = Waits;
            if (waits.Count > _driven)
            {
                time.Advance(waits[_driven++]);
            }
            else if (patience.Elapsed > TimeSpan.FromSeconds(30))
            {
                Assert.Fail("the code under test neither finished nor set a timer for 30 s");
            }
            else
            {
                await Task.Delay(1);
            }
        }

        await task;
    }
}
