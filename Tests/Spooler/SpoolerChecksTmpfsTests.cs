using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Tests.Infrastructure;

namespace BtrfsToS3.Tests.Spooler;

/// <summary>
/// A spool on tmpfs whose quota it or the machine's memory cannot hold, seen from outside: one line naming [spool]
/// quota, exit 78, nothing touched. The check comes before the btrfs ones, so these need a tmpfs mount but no btrfs.
/// </summary>
[TestClass]
public sealed class SpoolerChecksTmpfsTests
{
    private const string Spooler = "btrfs-to-s3-spooler";

    private TempDirectory _dir = null!;

    [TestInitialize]
    public void SetUp() => _dir = new TempDirectory("tmpfs-checks");

    [TestCleanup]
    public void TearDown() => _dir.Dispose();

    [TestMethod]
    public void Run_QuotaAboveTheTmpfs_Exits78NamingQuotaAndBothSizes()
    {
        using TmpfsMount spool = TmpfsMount.Create("64m");
        string config = Config(spool.Dir, quota: ByteSize.GiB);

        (int code, string output) = ToolRun.Run(Spooler, "--config", config);

        AssertConfigError(
            code,
            output,
            spool.Dir,
            $"configuration: {config}: [spool] quota: 1GiB does not fit the tmpfs that holds {spool.Dir} (64MiB); lower the quota or mount the tmpfs with a larger size="
        );
    }

    [TestMethod]
    public void Run_QuotaAboveTheTmpfsOnCommandLine_Exits78NamingTheFlag()
    {
        using TmpfsMount spool = TmpfsMount.Create("64m");
        string config = Config(spool.Dir, quota: 32 * ByteSize.MiB);

        (int code, string output) = ToolRun.Run(Spooler, "--config", config, "--spool.quota", "100MiB");

        AssertConfigError(
            code,
            output,
            spool.Dir,
            "configuration: command line --spool.quota: 100MiB does not fit the tmpfs"
        );
    }

    [TestMethod]
    public void Run_QuotaAboveHalfTheMemoryOnUnlimitedTmpfs_Exits78()
    {
        using TmpfsMount spool = TmpfsMount.Create("0");
        string config = Config(spool.Dir, quota: 5 * ByteSize.TiB);

        (int code, string output) = ToolRun.Run(Spooler, "--config", config);

        AssertConfigError(
            code,
            output,
            spool.Dir,
            $"configuration: {config}: [spool] quota: 5TiB is more than half of this machine's memory"
        );
    }

    [TestMethod]
    public void Run_QuotaWithinTheTmpfs_GoesOnToTheBtrfsChecks()
    {
        using TmpfsMount spool = TmpfsMount.Create("64m");
        string config = Config(spool.Dir, quota: 32 * ByteSize.MiB);

        (int code, string output) = ToolRun.Run(Spooler, "--config", config);

        AssertConfigError(
            code,
            output,
            spool.Dir,
            $"configuration: {config}: [snapshots] dir: {_dir.Path}/snapshots is not on a btrfs filesystem"
        );
    }

    private string Config(string spool, long quota)
    {
        Directory.CreateDirectory(Path.Combine(_dir.Path, "snapshots"));
        Directory.CreateDirectory(Path.Combine(_dir.Path, "state"));
        string path = Path.Combine(_dir.Path, "tmpfs.ini");
        File.WriteAllText(
            path,
            $"""
            [subvolumes]
            data = {_dir.Path}/data
            [snapshots]
            dir = {_dir.Path}/snapshots
            [spool]
            dir = {spool}
            quota = {quota}
            chunk_size = {ByteSize.MiB}
            [state]
            dir = {_dir.Path}/state
            """
        );
        return path;
    }

    private void AssertConfigError(int code, string output, string spool, string expected)
    {
        Assert.AreEqual(ExitCodes.Config, code, output);
        string[] errors = [.. output.Split('\n').Where(l => l.Contains(" fail: ", StringComparison.Ordinal))];
        Assert.HasCount(1, errors, output);
        StringAssert.Contains(errors[0], expected);
        Assert.IsEmpty(Directory.GetFileSystemEntries(Path.Combine(_dir.Path, "snapshots")), "a snapshot was made");
        Assert.IsEmpty(Directory.GetFileSystemEntries(spool), "the spool was touched");
    }
}
