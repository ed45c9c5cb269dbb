using BtrfsToS3.Tests.Infrastructure;
using BtrfsToS3.Uploader.S3;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace BtrfsToS3.Tests.Uploader.S3;

[TestClass]
public sealed class ThrottledStreamTests
{
    private static readonly DateTimeOffset Noon = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly byte[] Data = [.. Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7))];

    [TestMethod]
    public void Read_NoCap_ReturnsTheInnerBytesUnchanged()
    {
        using var stream = new ThrottledStream(
            new MemoryStream(Data),
            Limiter("off", TimeProvider.System),
            ownsInner: true
        );
        using var copy = new MemoryStream();

        stream.CopyTo(copy);

        CollectionAssert.AreEqual(Data, copy.ToArray());
    }

    [TestMethod]
    public async Task ReadAsync_NoCap_ReturnsTheInnerBytesUnchanged()
    {
        await using var stream = new ThrottledStream(
            new MemoryStream(Data),
            Limiter("off", TimeProvider.System),
            ownsInner: true
        );
        using var copy = new MemoryStream();

        await stream.CopyToAsync(copy);

        CollectionAssert.AreEqual(Data, copy.ToArray());
    }

    [TestMethod]
    public async Task ReadAsync_HashedBeforeSent_OnlyThePassesAfterASeekBackDraw()
    {
        var clock = new TimerLog(new FakeTimeProvider(Noon));
        BandwidthLimiter limiter = Limiter("10Gbit", clock);
        await using var stream = new ThrottledStream(
            new MemoryStream(Data),
            limiter,
            ownsInner: true,
            hashedBeforeSent: true
        );

        await clock.Drive(stream.CopyToAsync(Stream.Null));
        long afterHashing = limiter.BytesDrawn;
        stream.Position = 0;
        await clock.Drive(stream.CopyToAsync(Stream.Null));
        stream.Seek(0, SeekOrigin.Begin);
        await clock.Drive(stream.CopyToAsync(Stream.Null));

        // The hashing pass draws nothing; the send and its retry draw every byte each.
        Assert.AreEqual((0L, 2L * Data.Length), (afterHashing, limiter.BytesDrawn));
    }

    [TestMethod]
    public async Task Read_UnderACap_NoReadLargerThanATenthOfASecondAndEachWaitsOnTheClock()
    {
        var clock = new TimerLog(new FakeTimeProvider(Noon));
        using var stream = new ThrottledStream(new MemoryStream(Data), Limiter("500kbit", clock), ownsInner: false);
        var buffer = new byte[1024 * 1024];

        // A synchronous read blocks on its wait, so the reads run on a thread of their own while the clock is moved.
        (int first, int second) = await clock.Drive(
            Task.Run(() => (stream.Read(buffer, 0, buffer.Length), stream.Read(buffer.AsSpan())))
        );

        // 500 kbit/s is 62,500 bytes/s: reads of 6,250 bytes, each paid for with 100 ms.
        Assert.AreEqual((6_250, 6_250), (first, second));
        CollectionAssert.AreEqual(
            new[] { TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100) },
            clock.Waits.ToArray()
        );
    }

    [TestMethod]
    public void ReadAsync_LargeBuffersAtTheLeastCap_EveryTenSecondsWithinFivePercent()
    {
        var clock = new FakeTimeProvider(Noon);
        var data = new byte[2_000_000];
        using var stream = new ThrottledStream(new MemoryStream(data), Limiter("500kbit", clock), ownsInner: false);
        var buffer = new byte[1024 * 1024];
        var through = new long[30_000];

        ValueTask<int> read = stream.ReadAsync(buffer);
        for (int ms = 0; ms < through.Length; ms++)
        {
            while (read.IsCompleted)
            {
                through[ms] += read.Result;
                read = stream.ReadAsync(buffer);
            }

            clock.Advance(TimeSpan.FromMilliseconds(1));
        }

        (long least, long most) = BandwidthLimiterTests.TenSecondWindows(through);
        Assert.IsGreaterThanOrEqualTo(625_000 * 0.95, least);
        Assert.IsLessThanOrEqualTo(625_000 * 1.05, most);
    }

    [TestMethod]
    public void LengthPositionSeek_AreTheInnerStreams()
    {
        var inner = new MemoryStream(Data);
        using var stream = new ThrottledStream(inner, Limiter("off", TimeProvider.System), ownsInner: false);

        long sought = stream.Seek(1000, SeekOrigin.Begin);
        int next = stream.ReadByte();
        stream.Position = 10;

        Assert.IsTrue(stream.CanSeek);
        Assert.AreEqual(Data.Length, stream.Length);
        Assert.AreEqual(1000, sought);
        Assert.AreEqual(Data[1000], next);
        Assert.AreEqual(10, inner.Position);
    }

    [TestMethod]
    public void Write_Refused()
    {
        using var stream = new ThrottledStream(
            new MemoryStream(),
            Limiter("off", TimeProvider.System),
            ownsInner: false
        );

        Assert.IsFalse(stream.CanWrite);
        Assert.ThrowsExactly<NotSupportedException>(() => stream.Write([1], 0, 1));
        Assert.ThrowsExactly<NotSupportedException>(() => stream.SetLength(0));
    }

    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public void Dispose_InnerDisposedOnlyWhenOwned(bool owns)
    {
        var inner = new MemoryStream(Data);

        new ThrottledStream(inner, Limiter("off", TimeProvider.System), owns).Dispose();

        Assert.AreEqual(!owns, inner.CanRead);
    }

    private static BandwidthLimiter Limiter(string schedule, TimeProvider clock) =>
        new(BandwidthLimiterTests.Schedule(schedule), clock, NullLogger.Instance);
}
