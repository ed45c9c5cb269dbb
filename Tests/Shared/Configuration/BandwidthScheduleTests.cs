using BtrfsToS3.Shared.Configuration;

namespace BtrfsToS3.Tests.Shared.Configuration;

[TestClass]
public sealed class BandwidthScheduleTests : SectionTest
{
    private static readonly DateTime Day = new(2025, 3, 1);

    [TestMethod]
    [DataRow("off", null)]
    [DataRow("100Mbit", 12_500_000L)]
    [DataRow("100Mbit/s", 12_500_000L)]
    [DataRow("100 Mbit", 12_500_000L)]
    [DataRow("100mbit", 12_500_000L)]
    [DataRow("1Gbit", 125_000_000L)]
    [DataRow("1.5Gbit", 187_500_000L)]
    [DataRow("500kbit", 62_500L)]
    [DataRow("12MB", 12_000_000L)]
    [DataRow("12MiB", 12_582_912L)]
    [DataRow("800KiB", 819_200L)]
    [DataRow("62500B", 62_500L)]
    public void Read_SingleRate_HoldsAllDay(string text, long? bytesPerSecond)
    {
        BandwidthSchedule schedule = Read(text);

        Assert.AreEqual(text, schedule.Text);
        Assert.AreEqual(bytesPerSecond, schedule.BytesPerSecondAt(Day));
        Assert.AreEqual(bytesPerSecond, schedule.BytesPerSecondAt(Day.AddHours(13.5)));
        Assert.AreEqual(bytesPerSecond, schedule.BytesPerSecondAt(Day.AddDays(1).AddTicks(-1)));
    }

    [TestMethod]
    public void Read_NothingGiven_IsOff()
    {
        BandwidthSchedule schedule = Read(lines: string.Empty);

        Assert.AreEqual(BandwidthSchedule.Off, schedule);
        Assert.IsTrue(schedule.IsOff);
    }

    [TestMethod]
    public void Read_TimetableOfOffEntriesOnly_IsOff() => Assert.IsTrue(Read("08:00,off 09:00,off").IsOff);

    [TestMethod]
    public void Read_OneDigitHour_Accepted() =>
        Assert.AreEqual(12_500_000, Read("8:00,100Mbit 23:00,off").BytesPerSecondAt(At("08:00")));

    [TestMethod]
    public void Read_TimetableWithExtraSpaces_TextHasSingleSpaces() =>
        Assert.AreEqual("08:00,100Mbit 23:00,off", Read("08:00,100Mbit    23:00,off").Text);

    [TestMethod]
    [DataRow("00:00", null, DisplayName = "midnight: still the previous day's last entry")]
    [DataRow("07:59", null, DisplayName = "before the day's first entry: the last entry holds")]
    [DataRow("08:00", 12_500_000L)]
    [DataRow("12:00", 12_500_000L)]
    [DataRow("22:59", 12_500_000L)]
    [DataRow("23:00", null)]
    [DataRow("23:59", null)]
    public void BytesPerSecondAt_DayCapNightOff_FollowsTheTimetable(string at, long? expected) =>
        Assert.AreEqual(expected, Read("08:00,100Mbit 23:00,off").BytesPerSecondAt(At(at)));

    [TestMethod]
    [DataRow("00:00", 125_000_000L, DisplayName = "midnight: the previous day's last entry")]
    [DataRow("05:59", 125_000_000L, DisplayName = "before the first entry: the previous day's last entry")]
    [DataRow("06:00", 12_500_000L)]
    [DataRow("17:59", 12_500_000L)]
    [DataRow("18:00", 1_000_000L)]
    [DataRow("22:00", 125_000_000L)]
    public void BytesPerSecondAt_ThreeCaps_LastOneWrapsPastMidnight(string at, long expected) =>
        Assert.AreEqual(expected, Read("06:00,100Mbit 18:00,1MB 22:00,1Gbit").BytesPerSecondAt(At(at)));

    [TestMethod]
    public void BytesPerSecondAt_SecondsBeforeAndAtTheBoundary_ChangesAtTheMinute()
    {
        BandwidthSchedule schedule = Read("08:00,100Mbit 23:00,off");

        Assert.IsNull(schedule.BytesPerSecondAt(At("07:59").AddSeconds(59.999)));
        Assert.AreEqual(12_500_000, schedule.BytesPerSecondAt(At("08:00")));
    }

    [TestMethod]
    public void BytesPerSecondAt_SingleEntry_HoldsAllDay()
    {
        BandwidthSchedule schedule = Read("08:00,100Mbit");

        Assert.AreEqual(12_500_000, schedule.BytesPerSecondAt(At("03:00")));
        Assert.AreEqual(12_500_000, schedule.BytesPerSecondAt(At("09:00")));
    }

    [TestMethod]
    public void Equals_SameText_EqualAndSameHash()
    {
        BandwidthSchedule a = Read("08:00,100Mbit 23:00,off");
        BandwidthSchedule b = Read("08:00,100Mbit 23:00,off");

        Assert.AreEqual(a, b);
        Assert.AreEqual(a.GetHashCode(), b.GetHashCode());
        Assert.AreNotEqual(a, Read("08:00,100Mbit"));
    }

    [TestMethod]
    [DataRow(null, "off")]
    [DataRow(62_500L, "500 kbit/s (62.5 kB/s)")]
    [DataRow(12_500_000L, "100 Mbit/s (12.5 MB/s)")]
    [DataRow(12_582_912L, "100.66 Mbit/s (12.58 MB/s)")]
    [DataRow(125_000_000L, "1 Gbit/s (125 MB/s)")]
    public void DescribeRate_Rates_ReadAsBitsAndMegabytes(long? bytesPerSecond, string expected) =>
        Assert.AreEqual(expected, BandwidthSchedule.DescribeRate(bytesPerSecond));

    [TestMethod]
    [DataRow("", "\"\" is not a rate (write e.g. 100Mbit, 12MB or 800KiB, or off)")]
    [DataRow("Off", "\"Off\" is not a rate (write e.g. 100Mbit, 12MB or 800KiB, or off)")]
    [DataRow("fast", "\"fast\" is not a rate (write e.g. 100Mbit, 12MB or 800KiB, or off)")]
    [DataRow("-5Mbit", "\"-5Mbit\" is not a rate (write e.g. 100Mbit, 12MB or 800KiB, or off)")]
    [DataRow("100", "\"100\" has no unit (write e.g. 100Mbit for bits or 12MB for bytes per second)")]
    [DataRow(
        "100Mbps",
        "\"100Mbps\" has an unknown unit \"Mbps\" (bits: kbit, Mbit, Gbit; bytes: KiB, MiB, GiB, kB, MB, GB)"
    )]
    [DataRow("100M", "\"100M\" has an unknown unit \"M\" (bits: kbit, Mbit, Gbit; bytes: KiB, MiB, GiB, kB, MB, GB)")]
    [DataRow("0Mbit", "\"0Mbit\" is no rate: a cap must be above zero (write off for no cap)")]
    [DataRow("499kbit", "\"499kbit\" is below the least cap, 500 kbit/s (62.5 kB/s)")]
    [DataRow("60KiB", "\"60KiB\" is below the least cap, 500 kbit/s (62.5 kB/s)")]
    [DataRow("999999999TiB", "\"999999999TiB\" is beyond any link's rate")]
    [DataRow(
        "100Mbit 23:00,off",
        "\"100Mbit\" is not a timetable entry (write HH:MM,RATE entries apart by spaces, e.g. 08:00,100Mbit 23:00,off)"
    )]
    [DataRow(
        "08:00,100Mbit,off",
        "\"08:00,100Mbit,off\" is not a timetable entry (write HH:MM,RATE entries apart by spaces, e.g. 08:00,100Mbit 23:00,off)"
    )]
    [DataRow(
        "Mon-08:00,100Mbit",
        "\"Mon-08:00\" in \"Mon-08:00,100Mbit\" is not a time of day (HH:MM from 00:00 to 23:59)"
    )]
    [DataRow("24:00,100Mbit", "\"24:00\" in \"24:00,100Mbit\" is not a time of day (HH:MM from 00:00 to 23:59)")]
    [DataRow("08:60,100Mbit", "\"08:60\" in \"08:60,100Mbit\" is not a time of day (HH:MM from 00:00 to 23:59)")]
    [DataRow("8:5,100Mbit", "\"8:5\" in \"8:5,100Mbit\" is not a time of day (HH:MM from 00:00 to 23:59)")]
    [DataRow("8h,100Mbit", "\"8h\" in \"8h,100Mbit\" is not a time of day (HH:MM from 00:00 to 23:59)")]
    [DataRow(
        "23:00,off 08:00,100Mbit",
        "\"08:00,100Mbit\" does not come after 23:00: the times must increase through the day"
    )]
    [DataRow(
        "08:00,100Mbit 08:00,off",
        "\"08:00,off\" does not come after 08:00: the times must increase through the day"
    )]
    [DataRow(
        "08:00,100Mbps 23:00,off",
        "in \"08:00,100Mbps\": \"100Mbps\" has an unknown unit \"Mbps\" (bits: kbit, Mbit, Gbit; bytes: KiB, MiB, GiB, kB, MB, GB)"
    )]
    [DataRow(
        "08:00,0kbit",
        "in \"08:00,0kbit\": \"0kbit\" is no rate: a cap must be above zero (write off for no cap)"
    )]
    [DataRow("08:00,100kbit", "in \"08:00,100kbit\": \"100kbit\" is below the least cap, 500 kbit/s (62.5 kB/s)")]
    [DataRow("08:00,", "in \"08:00,\": \"\" is not a rate (write e.g. 100Mbit, 12MB or 800KiB, or off)")]
    public void Read_BadValue_RejectedWithExactMessage(string value, string expected) =>
        AssertRejected("uploader", $"bandwidth = {value}", $"[uploader] bandwidth: {expected}", s =>
            s.Bandwidth("bandwidth")
        );

    private static DateTime At(string time) =>
        Day.Add(TimeSpan.Parse(time, System.Globalization.CultureInfo.InvariantCulture));

    private BandwidthSchedule Read(string? value = null, string? lines = null) =>
        Ini.Section("uploader", lines ?? $"bandwidth = {value}").Bandwidth("bandwidth");
}
