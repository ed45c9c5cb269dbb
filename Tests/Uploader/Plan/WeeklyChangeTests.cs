using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Tests.Infrastructure;
using BtrfsToS3.Uploader.Plan;

namespace BtrfsToS3.Tests.Uploader.Plan;

[TestClass]
public sealed class WeeklyChangeTests
{
    [TestMethod]
    public void TryPublished_WeeklyIncrementals_AveragesTheirBytesPerWeek()
    {
        var chain = ManifestChain.Of(
            "data",
            (5 * ByteSize.TiB, 0),
            (7 * ByteSize.GiB, 7),
            (8 * ByteSize.GiB, 14),
            (9 * ByteSize.GiB, 21)
        );

        Assert.IsTrue(WeeklyChange.TryPublished(chain, out WeeklyChange? change, out _));

        Assert.AreEqual(8 * ByteSize.GiB, change.Bytes);
        Assert.AreEqual(ChangeSource.Published, change.Source);
        Assert.AreEqual(
            "published: 3 incrementals of 24.0 GiB in 21.0 days of generation 20260104T020000Z",
            change.Basis
        );
    }

    [TestMethod]
    public void TryPublished_DailyIncrementals_CountsPerWeekNotPerIncremental()
    {
        var chain = ManifestChain.Of(
            "data",
            [(ByteSize.TiB, 0), .. Enumerable.Range(1, 14).Select(d => (ByteSize.GiB, (double)d))]
        );

        Assert.IsTrue(WeeklyChange.TryPublished(chain, out WeeklyChange? change, out _));

        Assert.AreEqual(7 * ByteSize.GiB, change.Bytes);
    }

    [TestMethod]
    public void TryPublished_IrregularTimes_DividesByTheTimeFromTheFullToTheLast()
    {
        // 10.5 GiB over 10.5 days: a GiB a day, whatever the gaps between the incrementals.
        var chain = ManifestChain.Of("data", (ByteSize.TiB, 0), (ByteSize.GiB / 2, 0.5), (10 * ByteSize.GiB, 10.5));

        Assert.IsTrue(WeeklyChange.TryPublished(chain, out WeeklyChange? change, out _));

        Assert.AreEqual(7 * ByteSize.GiB, change.Bytes);
    }

    [TestMethod]
    public void TryPublished_OnlyTheFull_NotUsedAndSaysSo()
    {
        Assert.IsFalse(
            WeeklyChange.TryPublished(ManifestChain.Of("data", (ByteSize.TiB, 0)), out _, out string? whyNot)
        );

        Assert.AreEqual("only the full of generation 20260104T020000Z", whyNot);
    }

    [TestMethod]
    public void TryPublished_LessThanADay_NotUsedAndSaysSo()
    {
        var chain = ManifestChain.Of("data", (ByteSize.TiB, 0), (12 * ByteSize.MiB, 0.01));

        Assert.IsFalse(WeeklyChange.TryPublished(chain, out _, out string? whyNot));

        Assert.AreEqual(
            "1 incremental of 12.0 MiB in 0.0 days of generation 20260104T020000Z, too short a time to tell a week",
            whyNot
        );
    }

    [TestMethod]
    public void FromScan_TheUsersDataSubvolume_TakesTheMeasuredWeeklyBytes()
    {
        // The scan in issue 15: 4950.94 GiB in all, 218.66 GiB new or changed in 180 days.
        long changed = (long)(218.66 * ByteSize.GiB);
        var scan = new GrowthScan(
            "data",
            (long)(4950.94 * ByteSize.GiB),
            changed,
            180,
            changed * 7 / 180,
            new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero)
        );

        WeeklyChange change = WeeklyChange.FromScan(scan);

        Assert.AreEqual(8.503, change.Bytes / (double)ByteSize.GiB, 0.001);
        Assert.AreEqual(ChangeSource.Scan, change.Source);
        Assert.AreEqual("scan of 2026-01-05: 218.7 GiB of 4.8 TiB changed in 180 days", change.Basis);
    }

    [TestMethod]
    public void FromShare_OnePercent_OfTheSize()
    {
        WeeklyChange change = WeeklyChange.FromShare(5 * ByteSize.TiB, 0.01m);

        Assert.AreEqual(5 * ByteSize.TiB / 100, change.Bytes);
        Assert.AreEqual(ChangeSource.Share, change.Source);
        Assert.AreEqual("--weekly-change: 1.0 % of 5.0 TiB", change.Basis);
    }
}
