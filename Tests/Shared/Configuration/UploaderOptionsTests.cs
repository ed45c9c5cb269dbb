using BtrfsToS3.Shared.Configuration;

namespace BtrfsToS3.Tests.Shared.Configuration;

[TestClass]
public sealed class UploaderOptionsTests : SectionTest
{
    [TestMethod]
    public void Read_NothingGiven_TakesDocumentedDefaults() =>
        Assert.AreEqual(
            new UploaderOptions(
                TimeSpan.FromHours(1),
                TimeSpan.FromDays(1),
                TimeSpan.FromMinutes(2),
                BandwidthSchedule.Off
            ),
            UploaderOptions.Read(Ini.Section("uploader", string.Empty))
        );

    [TestMethod]
    public void Read_Zeros_AcceptedAsGiven() =>
        Assert.AreEqual(
            new UploaderOptions(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, BandwidthSchedule.Off),
            UploaderOptions.Read(
                Ini.Section("uploader", "give_up_after = 0s\nabort_uploads_older_than = 0s\nlinger = 0s")
            )
        );

    [TestMethod]
    public void Read_Maxima_AcceptedAsGiven() =>
        Assert.AreEqual(
            new UploaderOptions(
                TimeSpan.FromDays(30),
                TimeSpan.FromDays(365),
                TimeSpan.FromDays(1),
                BandwidthSchedule.Off
            ),
            UploaderOptions.Read(
                Ini.Section("uploader", "give_up_after = 30d\nabort_uploads_older_than = 365d\nlinger = 24h")
            )
        );

    [TestMethod]
    public void Read_BandwidthTimetable_ReadAsWritten()
    {
        UploaderOptions options = UploaderOptions.Read(Ini.Section("uploader", "bandwidth = 08:00,100Mbit 23:00,off"));

        Assert.AreEqual("08:00,100Mbit 23:00,off", options.Bandwidth.Text);
        Assert.AreEqual(12_500_000, options.Bandwidth.BytesPerSecondAt(new DateTime(2025, 3, 1, 12, 0, 0)));
    }

    [TestMethod]
    public void Read_BandwidthTimetableOnTheCommandLine_WinsOverTheFile() =>
        Assert.AreEqual(
            "00:00,1Gbit 06:00,off",
            UploaderOptions
                .Read(Ini.Section("uploader", "bandwidth = 100Mbit", ("uploader:bandwidth", "00:00,1Gbit 06:00,off")))
                .Bandwidth.Text
        );

    [TestMethod]
    [DataRow("give_up_after = 31d", "[uploader] give_up_after: 31d is out of range: it must be from 0s to 30d")]
    [DataRow(
        "give_up_after = forever",
        "[uploader] give_up_after: \"forever\" is not a duration (write e.g. 90s, 15m, 2h or 7d)"
    )]
    [DataRow(
        "abort_uploads_older_than = 366d",
        "[uploader] abort_uploads_older_than: 366d is out of range: it must be from 0s to 365d"
    )]
    [DataRow("linger = 1441m", "[uploader] linger: 1441m is out of range: it must be from 0s to 1d")]
    [DataRow(
        "bandwidth = 100Mbps",
        "[uploader] bandwidth: \"100Mbps\" has an unknown unit \"Mbps\" (bits: kbit, Mbit, Gbit; bytes: KiB, MiB, GiB, kB, MB, GB)"
    )]
    public void Read_BadValue_RejectedWithExactMessage(string lines, string expected) =>
        AssertRejected("uploader", lines, expected, s => UploaderOptions.Read(s));
}
