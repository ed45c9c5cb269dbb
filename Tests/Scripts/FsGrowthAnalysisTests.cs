using System.Globalization;
using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Tests.Infrastructure;
using BtrfsToS3.Uploader.Plan;

namespace BtrfsToS3.Tests.Scripts;

/// <summary>
/// scripts/fs_growth_analysis.sh on a loopback btrfs. A file's ctime cannot be set back, so every file is new here: the
/// tests take a window long enough to count them all, and check the sums, the weekly arithmetic, that nested
/// subvolumes are left out, and that plan reads what the script writes.
/// </summary>
[TestClass]
public sealed class FsGrowthAnalysisTests : BtrfsTest
{
    private const int Days = 36_500;
    private const string Header = "subvolume\ttotal_bytes\tchanged_bytes\tdays\tweekly_bytes";

    [TestMethod]
    public void Script_SubvolumeWithNestedOnes_CountsItsOwnFilesOnly()
    {
        long own = RegularFileBytes(_fx.Subvolume("data"));
        Shell.Run("btrfs", "-q", "subvolume", "create", Path.Combine(_fx.Subvolume("data"), "vm"));
        File.WriteAllBytes(Path.Combine(_fx.Subvolume("data"), "vm", "disk.raw"), new byte[3_000_000]);
        Shell.Run("btrfs", "-q", "subvolume", "create", Path.Combine(_fx.Subvolume("data"), "vm", "inner"));
        File.WriteAllBytes(Path.Combine(_fx.Subvolume("data"), "vm", "inner", "f"), new byte[7_000]);

        (int code, string tsv, string summary) = Run(
            "--days",
            $"{Days}",
            $"data={_fx.Subvolume("data")}",
            $"data.vm={_fx.Subvolume("data")}/vm/"
        );

        Assert.AreEqual(0, code, summary);
        string[] lines = tsv.TrimEnd('\n').Split('\n');
        Assert.HasCount(3, lines, tsv);
        Assert.AreEqual(Header, lines[0]);
        Assert.AreEqual($"data\t{own}\t{own}\t{Days}\t{own * 7 / Days}", lines[1]);
        Assert.AreEqual($"data.vm\t3000000\t3000000\t{Days}\t{3_000_000L * 7 / Days}", lines[2]);
        StringAssert.Contains(summary, $"changed in the last {Days} days (100.00 %)");
    }

    [TestMethod]
    public void Script_ConfigAndWrite_PlanTakesTheScansWeeklyChange()
    {
        string config = _fx.WriteConfig(ByteSize.MiB, ByteSize.GiB);
        string written = Path.Combine(_fx.State, "growth.tsv");

        (int code, string tsv, string summary) = Run("--days", $"{Days}", "--config", config, "--write", written);

        Assert.AreEqual(0, code, summary);
        Assert.AreEqual(tsv, File.ReadAllText(written));
        IReadOnlyList<GrowthScan> scans = GrowthScan.ReadAll(written);
        CollectionAssert.AreEqual(new[] { "data", "root", "home" }, scans.Select(s => s.Subvolume).ToArray());
        GrowthScan data = scans[0];
        Assert.AreEqual(RegularFileBytes(_fx.Subvolume("data")), data.TotalBytes);

        (int planned, string plan) = ToolRun.Run("btrfs-to-s3-uploader", "plan", "--config", config);

        Assert.AreEqual(ExitCodes.Ok, planned, plan);
        StringAssert.Contains(
            plan,
            string.Create(
                CultureInfo.InvariantCulture,
                $"scan of {DateTime.UtcNow:yyyy-MM-dd}: {ByteSize.Human(data.ChangedBytes)} of {ByteSize.Human(data.TotalBytes)} changed in {Days} days"
            )
        );
        StringAssert.Contains(plan, "published incrementals not read: no [s3] bucket is configured");
    }

    [TestMethod]
    public void Script_DaysZero_Usage64()
    {
        (int code, _, string summary) = Run("--days", "0", _fx.Subvolume("data"));

        Assert.AreEqual(ExitCodes.Usage, code);
        StringAssert.Contains(summary, "--days wants a whole number of days, 1 or more (got \"0\")");
    }

    private static (int Code, string Tsv, string Summary) Run(params string[] arguments) =>
        Shell.TryRun("bash", [SourceTree.File("scripts/fs_growth_analysis.sh"), .. arguments]);

    /// <summary>The apparent sizes of the regular files below the directory (not its links), as find -type f sees
    /// them.</summary>
    private static long RegularFileBytes(string dir) =>
        new DirectoryInfo(dir)
            .EnumerateFiles("*", SearchOption.AllDirectories)
            .Where(f => f.LinkTarget is null)
            .Sum(f => f.Length);
}
