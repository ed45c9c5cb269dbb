using System.Diagnostics.CodeAnalysis;
using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Tests.Infrastructure;
using BtrfsToS3.Uploader.S3;
using Microsoft.Extensions.Time.Testing;

namespace BtrfsToS3.Tests.Uploader.S3;

[TestClass]
public sealed class BandwidthLimiterTests
{
    private const int Read = 64 * 1024;
    private const long HundredMbitTenSeconds = 125_000_000;
    private static readonly DateTimeOffset Noon = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly RecordingLogger _logger = new();

    [TestMethod]
    [DataRow(1)]
    [DataRow(4)]
    [DataRow(16)]
    public void WaitAsync_GreedyCallersAt100Mbit_EveryTenSecondsWithinFivePercent(int callers)
    {
        var clock = new FakeTimeProvider(Noon);
        var limiter = new BandwidthLimiter(Schedule("100Mbit"), clock, _logger);

        long[] through = Simulate(clock, limiter, callers, TimeSpan.FromSeconds(30));

        (long least, long most) = TenSecondWindows(through);
        Assert.IsGreaterThanOrEqualTo(HundredMbitTenSeconds * 0.95, least);
        Assert.IsLessThanOrEqualTo(HundredMbitTenSeconds * 1.05, most);
    }

    [TestMethod]
    public void WaitAsync_IdleSpellsBetweenGreedyOnes_NoTenSecondsMoreThanFivePercentOver()
    {
        var clock = new FakeTimeProvider(Noon);
        var limiter = new BandwidthLimiter(Schedule("100Mbit"), clock, _logger);

        // Busy 3 s, idle 5 s (the bucket fills), busy again: the refill is the burst, not a backlog.
        long[] through = Simulate(clock, limiter, callers: 8, TimeSpan.FromSeconds(30), busy: ms =>
            ms is < 3_000 or >= 8_000
        );

        Assert.IsLessThanOrEqualTo(HundredMbitTenSeconds * 1.05, TenSecondWindows(through).Most);
    }

    [TestMethod]
    public void WaitAsync_ScheduleBoundaryCrossed_RateChangesAndEachCapIsLoggedOnce()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 7, 59, 50, TimeSpan.Zero));
        var limiter = new BandwidthLimiter(Schedule("07:00,50Mbit 08:00,100Mbit 23:00,off"), clock, _logger);

        long[] through = Simulate(clock, limiter, callers: 4, TimeSpan.FromSeconds(20));

        long before = through[..10_000].Sum();
        long after = through[10_000..].Sum();
        Assert.IsGreaterThanOrEqualTo(HundredMbitTenSeconds / 2 * 0.95, before);
        Assert.IsLessThanOrEqualTo(HundredMbitTenSeconds / 2 * 1.05, before);
        Assert.IsGreaterThanOrEqualTo(HundredMbitTenSeconds * 0.95, after);
        Assert.IsLessThanOrEqualTo(HundredMbitTenSeconds * 1.05, after);
        CollectionAssert.AreEqual(
            new[]
            {
                "bandwidth cap now 50 Mbit/s (6.25 MB/s); schedule: 07:00,50Mbit 08:00,100Mbit 23:00,off",
                "bandwidth cap now 100 Mbit/s (12.5 MB/s); schedule: 07:00,50Mbit 08:00,100Mbit 23:00,off",
            },
            _logger.Entries.Select(e => e.Message).ToArray()
        );
        Assert.IsTrue(_logger.Entries.All(e => e.Event.Name == "BandwidthCap"));
    }

    [TestMethod]
    public void WaitAsync_CapEnds_LoggedOnceAndNoMoreWaits()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 22, 59, 55, TimeSpan.Zero));
        var timers = new TimerLog(clock);
        var limiter = new BandwidthLimiter(Schedule("08:00,100Mbit 23:00,off"), timers, _logger);
        Simulate(clock, limiter, callers: 4, TimeSpan.FromSeconds(5));
        int timersWhileCapped = timers.Waits.Count;

        long[] through = Simulate(clock, limiter, callers: 4, TimeSpan.FromSeconds(1), maxReadsPerStep: 100);

        Assert.IsGreaterThan(0, timersWhileCapped);
        Assert.HasCount(timersWhileCapped, timers.Waits);
        Assert.AreEqual(4L * 100 * Read, through[0]);
        CollectionAssert.AreEqual(
            new[] { "BandwidthCap", "NoBandwidthCap" },
            _logger.Entries.Select(e => e.Event.Name).ToArray()
        );
        Assert.AreEqual("no bandwidth cap now; schedule: 08:00,100Mbit 23:00,off", _logger.Entries[^1].Message);
    }

    [TestMethod]
    [DataRow("off")]
    [DataRow("08:00,off 23:00,100Mbit")]
    [SuppressMessage(
        "Reliability",
        "CA2012:Use ValueTasks correctly",
        Justification = "What is tested is that the wait returns ValueTask.CompletedTask, which has nothing to consume"
    )]
    public void WaitAsync_NoCapNow_NeverWaitsLogsNothingAndAllocatesNothing(string schedule)
    {
        var timers = new TimerLog(new FakeTimeProvider(Noon));
        var limiter = new BandwidthLimiter(Schedule(schedule), timers, _logger);
        Assert.IsTrue(limiter.WaitAsync(Read, CancellationToken.None).IsCompletedSuccessfully);

        long allocated = GC.GetAllocatedBytesForCurrentThread();
        bool allAtOnce = true;
        for (int i = 0; i < 10_000; i++)
        {
            allAtOnce &= limiter.WaitAsync(Read, CancellationToken.None).IsCompletedSuccessfully;
        }

        Assert.AreEqual(0, GC.GetAllocatedBytesForCurrentThread() - allocated);
        Assert.IsTrue(allAtOnce);
        Assert.IsEmpty(timers.Waits);
        Assert.IsEmpty(_logger.Entries);
    }

    [TestMethod]
    public void WaitAsync_ReadLargerThanTheBucket_GoesOnceItsDebtIsPaid()
    {
        var clock = new FakeTimeProvider(Noon);
        var limiter = new BandwidthLimiter(Schedule("500kbit"), clock, _logger);

        // 1 MiB at 62,500 bytes/s: 16.777216 s, rounded up to whole milliseconds.
        Task wait = limiter.WaitAsync(1024 * 1024, CancellationToken.None).AsTask();
        clock.Advance(TimeSpan.FromMilliseconds(16_777));
        bool doneEarly = wait.IsCompleted;
        clock.Advance(TimeSpan.FromMilliseconds(1));

        Assert.IsFalse(doneEarly);
        Assert.IsTrue(wait.IsCompletedSuccessfully);
    }

    [TestMethod]
    public void WaitAsync_CancelledWhileWaiting_Cancelled()
    {
        var clock = new FakeTimeProvider(Noon);
        var limiter = new BandwidthLimiter(Schedule("100Mbit"), clock, _logger);
        using var cancel = new CancellationTokenSource();

        Task wait = limiter.WaitAsync(Read, cancel.Token).AsTask();
        cancel.Cancel();

        Assert.IsTrue(wait.IsCanceled);
    }

    [TestMethod]
    public void CurrentCapAndLargestRead_FollowTheScheduleWithoutAnyCall()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 22, 59, 0, TimeSpan.Zero));
        var limiter = new BandwidthLimiter(Schedule("08:00,100Mbit 23:00,off"), clock, _logger);
        (string, int) capped = (limiter.CurrentCap, limiter.LargestRead);

        clock.Advance(TimeSpan.FromMinutes(1));

        Assert.AreEqual(("100 Mbit/s (12.5 MB/s)", 1_250_000), capped);
        Assert.AreEqual(("off", int.MaxValue), (limiter.CurrentCap, limiter.LargestRead));
    }

    internal static BandwidthSchedule Schedule(string text)
    {
        Assert.IsTrue(BandwidthSchedule.TryParse(text, out BandwidthSchedule? schedule, out string? problem), problem);
        return schedule;
    }

    /// <summary>
    /// Runs callers that each ask for the next read the moment the last one is let through (while busy), stepping the
    /// clock a millisecond at a time; returns the bytes let through in each millisecond.
    /// </summary>
    private static long[] Simulate(
        FakeTimeProvider clock,
        BandwidthLimiter limiter,
        int callers,
        TimeSpan span,
        Func<int, bool>? busy = null,
        int maxReadsPerStep = int.MaxValue
    )
    {
        var through = new long[(int)span.TotalMilliseconds];
        var waits = new Task?[callers];
        for (int ms = 0; ms < through.Length; ms++)
        {
            for (int caller = 0; caller < callers; caller++)
            {
                for (int reads = 0; reads < maxReadsPerStep; reads++)
                {
                    if (waits[caller] is null)
                    {
                        if (busy?.Invoke(ms) == false)
                        {
                            break;
                        }

                        waits[caller] = limiter.WaitAsync(Read, CancellationToken.None).AsTask();
                    }

                    if (!waits[caller]!.IsCompleted)
                    {
                        break;
                    }

                    through[ms] += Read;
                    waits[caller] = null;
                }
            }

            clock.Advance(TimeSpan.FromMilliseconds(1));
        }

        return through;
    }

    /// <summary>The fewest and the most bytes let through in any 10 s of the run, a window starting at each
    /// millisecond.</summary>
    internal static (long Least, long Most) TenSecondWindows(long[] through)
    {
        const int Window = 10_000;
        long sum = through[..Window].Sum();
        (long least, long most) = (sum, sum);
        for (int start = 1; start + Window <= through.Length; start++)
        {
            sum += through[start + Window - 1] - through[start - 1];
            (least, most) = (Math.Min(least, sum), Math.Max(most, sum));
        }

        return (least, most);
    }
}
