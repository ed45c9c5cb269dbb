using BtrfsToS3.Tests.Infrastructure;
using BtrfsToS3.Tests.Uploader.S3;
using BtrfsToS3.Uploader.S3;
using BtrfsToS3.Uploader.Upload;
using Microsoft.Extensions.Time.Testing;

namespace BtrfsToS3.Tests.Uploader.Upload;

[TestClass]
public sealed class ProgressMeterTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly RecordingLogger _logger = new();

    [TestMethod]
    public void MaybeReport_WithACap_LineShowsTheCapNow()
    {
        var limiter = new BandwidthLimiter(BandwidthLimiterTests.Schedule("100Mbit"), _clock, _logger);
        var meter = new ProgressMeter(_clock, _logger, TimeSpan.FromSeconds(30), limiter);
        meter.Queue(500_000_000);
        meter.Add(300_000_000);
        _clock.Advance(TimeSpan.FromSeconds(30));

        meter.MaybeReport();

        Assert.AreEqual(
            "progress: 300000000 bytes uploaded, 10.0 MB/s, bandwidth cap 100 Mbit/s (12.5 MB/s), 200000000 bytes ready in the spool, ETA 00:00:20",
            _logger.Entries.Single().Message
        );
    }

    [TestMethod]
    public void MaybeReport_WithoutALimiter_LineShowsNoCap()
    {
        var meter = new ProgressMeter(_clock, _logger, TimeSpan.FromSeconds(30));
        _clock.Advance(TimeSpan.FromSeconds(30));

        meter.MaybeReport();

        StringAssert.Contains(_logger.Entries.Single().Message, "bandwidth cap off,");
    }

    [TestMethod]
    public void MaybeReport_BeforeTheInterval_LogsNothing()
    {
        var meter = new ProgressMeter(_clock, _logger, TimeSpan.FromSeconds(30));
        _clock.Advance(TimeSpan.FromSeconds(29));

        meter.MaybeReport();

        Assert.IsEmpty(_logger.Entries);
    }
}
