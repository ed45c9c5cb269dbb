using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Spooler;

namespace BtrfsToS3.Tests.Spooler;

[TestClass]
public sealed class SpoolMemoryCheckTests
{
    private const string Spool = "/run/btrfs_to_s3/spool";
    private const long Memory = 16 * ByteSize.GiB;

    [TestMethod]
    public void Problem_QuotaWithinTmpfsAndHalfTheMemory_None()
    {
        Assert.IsNull(SpoolMemoryCheck.Problem(Spool, 2 * ByteSize.GiB, 2112 * ByteSize.MiB, Memory));
    }

    [TestMethod]
    public void Problem_QuotaExactlyTheTmpfsAndHalfTheMemory_None()
    {
        Assert.IsNull(SpoolMemoryCheck.Problem(Spool, 8 * ByteSize.GiB, 8 * ByteSize.GiB, Memory));
    }

    [TestMethod]
    public void Problem_QuotaAboveTheTmpfs_NamesBothSizes()
    {
        string? problem = SpoolMemoryCheck.Problem(Spool, 450 * ByteSize.GiB, 2 * ByteSize.GiB, Memory);

        Assert.AreEqual(
            "450GiB does not fit the tmpfs that holds /run/btrfs_to_s3/spool (2GiB); lower the quota or mount the tmpfs with a larger size=",
            problem
        );
    }

    [TestMethod]
    public void Problem_QuotaAboveHalfTheMemory_SaysTheMostItMayBe()
    {
        string? problem = SpoolMemoryCheck.Problem(Spool, 10 * ByteSize.GiB, 12 * ByteSize.GiB, Memory);

        Assert.AreEqual(
            "10GiB is more than half of this machine's memory (16.0 GiB), and /run/btrfs_to_s3/spool is on tmpfs, which keeps the spool in memory; lower the quota to at most 8GiB or put the spool on a disk",
            problem
        );
    }

    [TestMethod]
    public void Problem_TmpfsWithoutSizeLimit_OnlyTheMemoryCounts()
    {
        Assert.IsNull(SpoolMemoryCheck.Problem(Spool, 8 * ByteSize.GiB, 0, Memory));
        StringAssert.Contains(
            SpoolMemoryCheck.Problem(Spool, 9 * ByteSize.GiB, 0, Memory),
            "more than half of this machine's memory"
        );
    }

    [TestMethod]
    public void Problem_OddMemorySize_SuggestsWholeMiBAtMostHalf()
    {
        long memory = 24_684_084 * ByteSize.KiB;

        StringAssert.Contains(
            SpoolMemoryCheck.Problem(Spool, 12 * ByteSize.GiB, 0, memory),
            "lower the quota to at most 12052MiB"
        );
        Assert.IsNull(SpoolMemoryCheck.Problem(Spool, 12052 * ByteSize.MiB, 0, memory));
    }

    [TestMethod]
    public void MemTotal_ProcMeminfo_BytesFromKiB()
    {
        const string meminfo =
            "MemTotal:       24684084 kB\nMemFree:          501232 kB\nMemAvailable:   20123456 kB\n";

        Assert.AreEqual(24_684_084 * ByteSize.KiB, SpoolMemoryCheck.MemTotal(meminfo));
    }

    [TestMethod]
    public void MemTotal_ThisMachine_IsPositive()
    {
        Assert.IsGreaterThan(0, SpoolMemoryCheck.MemTotal(File.ReadAllText("/proc/meminfo")));
    }

    [TestMethod]
    public void MemTotal_NoMemTotalLine_Fails()
    {
        BackupFailure failure = Assert.ThrowsExactly<BackupFailure>(() =>
            SpoolMemoryCheck.MemTotal("MemFree: 501232 kB\n")
        );

        StringAssert.Contains(failure.Message, "/proc/meminfo has no MemTotal line");
    }
}
