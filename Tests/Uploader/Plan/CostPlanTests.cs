using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Tests.Infrastructure;
using BtrfsToS3.Uploader.Plan;

namespace BtrfsToS3.Tests.Uploader.Plan;

[TestClass]
public sealed class CostPlanTests
{
    private static BackupOptions Options(params (string Key, string Value)[] overrides) =>
        ConfigLoader.Load(SourceTree.File("btrfs_to_s3.ini"), overrides.ToDictionary(o => o.Key, o => o.Value));

    [TestMethod]
    public void For_FiveTiBWithDefaults_CountsChunksPartsAndTheHeldBackGeneration()
    {
        SubvolumePlan plan = CostPlan.For("data", 5 * ByteSize.TiB, 50 * ByteSize.GiB, Options());

        // 25 chunks of 200 GiB and one of 120 GiB, plus the manifest.
        Assert.AreEqual(27, plan.Full.Objects);
        Assert.AreEqual((25 * (2 + 3200)) + (2 + 1920) + 2, plan.Full.PutRequests);
        Assert.AreEqual(25, plan.IncrementalsPerGeneration);
        Assert.AreEqual((25 * 7) + 180 - 182, plan.HeldBackDays);
        Assert.AreEqual(0m, plan.EarlyDeletionPerRollover);
        Assert.IsGreaterThan(0m, plan.MonthlyStorageCost);
    }

    [TestMethod]
    public void For_NoMinimumAge_ShowsTheEarlyDeletionCharge()
    {
        SubvolumePlan guarded = CostPlan.For(
            "data",
            ByteSize.TiB,
            10 * ByteSize.GiB,
            Options(("retention:min_age_days", "180"))
        );
        SubvolumePlan unguarded = CostPlan.For(
            "data",
            ByteSize.TiB,
            10 * ByteSize.GiB,
            Options(("retention:min_age_days", "0"))
        );

        Assert.AreEqual(0m, guarded.EarlyDeletionPerRollover);
        Assert.IsGreaterThan(0m, unguarded.EarlyDeletionPerRollover);
        Assert.AreEqual(0, unguarded.HeldBackDays);
        Assert.IsLessThan(guarded.AverageStoredBytes, unguarded.AverageStoredBytes);
    }

    [TestMethod]
    public void For_SmallChunks_CostMoreRequestsForTheSameBytes()
    {
        SubvolumePlan large = CostPlan.For("data", 5 * ByteSize.TiB, 0, Options());
        SubvolumePlan small = CostPlan.For(
            "data",
            5 * ByteSize.TiB,
            0,
            Options(("spool:chunk_size", "512MiB"), ("spool:quota", "2GiB"))
        );

        Assert.AreEqual(10_240 + 1, small.Full.Objects);
        Assert.IsGreaterThan(large.Full.Objects, small.Full.Objects);
    }

    [TestMethod]
    public void For_FiveTiBWithDefaults_RestoreDownloadsTheWholeGenerationAtItsEnd()
    {
        SubvolumePlan plan = CostPlan.For("data", 5 * ByteSize.TiB, 50 * ByteSize.GiB, Options());

        // The full and 25 incrementals: 26 + 25 chunks thawed; ranged GETs of 64 MiB, a manifest each, and the pointer.
        RestoreCost restore = plan.Restore;
        Assert.AreEqual((5 * ByteSize.TiB) + (25 * 50 * ByteSize.GiB), restore.Bytes);
        Assert.AreEqual(26 + 25, restore.Objects);
        Assert.AreEqual((25 * 3200) + 1920 + 1 + (25 * (800 + 1)) + 1, restore.GetRequests);
        // days = auto: 6,370 GiB at 100 Mbit/s take 6.3 days; half as long again, and two days more.
        Assert.AreEqual(12, restore.Days);
        Assert.AreEqual(6370 * 0.09m, restore.Egress);
        Assert.AreEqual(6370 * 0.0025m, restore.Retrieval);
    }

    [TestMethod]
    public void For_RestoreDaysLonger_OnlyTheTemporaryCopiesCostMore()
    {
        RestoreCost auto = CostPlan.For("data", 5 * ByteSize.TiB, 50 * ByteSize.GiB, Options()).Restore;
        RestoreCost month = CostPlan
            .For("data", 5 * ByteSize.TiB, 50 * ByteSize.GiB, Options(("restore:days", "30")))
            .Restore;

        Assert.AreEqual(30, month.Days);
        Assert.AreEqual(auto.Egress, month.Egress);
        Assert.AreEqual(auto.Retrieval, month.Retrieval);
        Assert.IsLessThan(month.TemporaryStorage, auto.TemporaryStorage);
        Assert.AreEqual(6370 * 0.023m, month.TemporaryStorage);
    }

    [TestMethod]
    public void For_ObjectLock_EveryGenerationHeldTheMarginLonger()
    {
        decimal off = CostPlan.For("data", 5 * ByteSize.TiB, 50 * ByteSize.GiB, Options()).LockMonthlyCost;
        decimal locked = CostPlan
            .For(
                "data",
                5 * ByteSize.TiB,
                50 * ByteSize.GiB,
                Options(("s3:object_lock", "governance"), ("s3:lock_margin", "91d"))
            )
            .LockMonthlyCost;

        Assert.AreEqual(0m, off);

        // 6,370 GiB held 91 more days every 182: half a generation on average, at $0.00099/GB-month.
        Assert.AreEqual(Math.Round(6370m / 2 * 0.00099m, 4), locked);
    }

    [TestMethod]
    public void For_AbandonedFull_HeldUntilRetentionOrItsLockMayDeleteIt()
    {
        SubvolumePlan off = CostPlan.For("data", 5 * ByteSize.TiB, 50 * ByteSize.GiB, Options());
        SubvolumePlan locked = CostPlan.For(
            "data",
            5 * ByteSize.TiB,
            50 * ByteSize.GiB,
            Options(("s3:object_lock", "compliance"))
        );

        // Without a lock: min_age_days 180 (Deep Archive's minimum too). Locked: max(1 × 182, 182 + 180) + 30 days.
        Assert.AreEqual(180, off.AbandonedFullDays);
        Assert.AreEqual(392, locked.AbandonedFullDays);
        Assert.AreEqual(Math.Round(5120m * 0.00099m * 392 / 30, 4), locked.AbandonedFullCost);
    }
}
