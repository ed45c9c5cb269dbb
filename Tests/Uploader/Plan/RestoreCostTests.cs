using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Tests.Infrastructure;
using BtrfsToS3.Uploader.Plan;

namespace BtrfsToS3.Tests.Uploader.Plan;

[TestClass]
public sealed class RestoreCostTests
{
    private static readonly PriceOptions Prices = ConfigLoader
        .Load(SourceTree.File("btrfs_to_s3.ini"), new Dictionary<string, string>())
        .Prices;

    [TestMethod]
    public void Of_FiveTiBAtDefaultPrices_AddsRetrievalRequestsEgressAndTemporaryCopies()
    {
        // 26 chunks in ranged GETs of 64 MiB, and 26 manifests and a pointer.
        RestoreCost cost = RestoreCost.Of(5 * ByteSize.TiB, 26, 81_920 + 27, 7, Prices);

        // 5,120 GB (of 2^30 bytes) at $0.0025, $0.09, and $0.023 a month for 7 of 30 days.
        Assert.AreEqual(12.8m, cost.Retrieval);
        Assert.AreEqual(460.8m, cost.Egress);
        Assert.AreEqual(27.4773m, cost.TemporaryStorage);
        Assert.AreEqual(Math.Round(((26 * 0.025m) + (81_947 * 0.0004m)) / 1000m, 4), cost.Requests);
        Assert.AreEqual(cost.Retrieval + cost.Requests + cost.Egress + cost.TemporaryStorage, cost.Total);
    }

    [TestMethod]
    public void Of_MoreDays_OnlyTheTemporaryCopiesCostMore()
    {
        RestoreCost week = RestoreCost.Of(ByteSize.TiB, 6, 16_384, 7, Prices);
        RestoreCost month = RestoreCost.Of(ByteSize.TiB, 6, 16_384, 30, Prices);

        Assert.AreEqual(week with { Days = 30, TemporaryStorage = month.TemporaryStorage }, month);
        Assert.AreEqual(1024 * 0.023m, month.TemporaryStorage);
    }

    [TestMethod]
    public void Of_Nothing_CostsNothing() => Assert.AreEqual(0m, RestoreCost.Of(0, 0, 0, 7, Prices).Total);

    [TestMethod]
    public void ToString_FiveTiB_EachPartThenTheSumOnOneLine() =>
        Assert.AreEqual(
            "$12.80 retrieval, $0.03 requests, $460.80 egress, $27.48 temporary copies for 7 days: $501.11",
            RestoreCost.Of(5 * ByteSize.TiB, 26, 81_947, 7, Prices).ToString()
        );
}
