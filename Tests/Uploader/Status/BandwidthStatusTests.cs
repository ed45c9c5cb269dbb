using System.Text.Json;
using BtrfsToS3.Tests.Uploader.S3;
using BtrfsToS3.Uploader.Status;

namespace BtrfsToS3.Tests.Uploader.Status;

[TestClass]
public sealed class BandwidthStatusTests
{
    private const string DayCapNightOff = "08:00,100Mbit 23:00,off";

    [TestMethod]
    public void At_InsideACappedWindow_TheCapNow() =>
        Assert.AreEqual(
            new BandwidthStatus(DayCapNightOff, 12_500_000, "100 Mbit/s (12.5 MB/s)"),
            BandwidthStatus.At(BandwidthLimiterTests.Schedule(DayCapNightOff), LocalTime(12, 0))
        );

    [TestMethod]
    public void At_OutsideEveryCappedWindow_NoCapNow() =>
        Assert.AreEqual(
            new BandwidthStatus(DayCapNightOff, null, "off"),
            BandwidthStatus.At(BandwidthLimiterTests.Schedule(DayCapNightOff), LocalTime(23, 30))
        );

    [TestMethod]
    public void Json_SnakeCaseAsTheRestOfStatus()
    {
        BandwidthStatus status = BandwidthStatus.At(BandwidthLimiterTests.Schedule(DayCapNightOff), LocalTime(12, 0));

        using JsonDocument json = JsonDocument.Parse(
            JsonSerializer.Serialize(status, StatusJson.Default.BandwidthStatus)
        );

        Assert.AreEqual(DayCapNightOff, json.RootElement.GetProperty("schedule").GetString());
        Assert.AreEqual(12_500_000, json.RootElement.GetProperty("bytes_per_second_now").GetInt64());
        Assert.AreEqual("100 Mbit/s (12.5 MB/s)", json.RootElement.GetProperty("cap_now").GetString());
    }

    // The schedule is in the machine's local time, whatever its zone: these are local noon and 23:30.
    private static DateTimeOffset LocalTime(int hour, int minute) =>
        new(new DateTime(2025, 3, 1, hour, minute, 0, DateTimeKind.Local));
}
