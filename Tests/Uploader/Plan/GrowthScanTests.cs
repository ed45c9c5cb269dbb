using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Tests.Infrastructure;
using BtrfsToS3.Uploader.Plan;

namespace BtrfsToS3.Tests.Uploader.Plan;

[TestClass]
public sealed class GrowthScanTests
{
    private readonly TempDirectory _dir = new("growth");

    private string File => _dir.File("growth.tsv");

    [TestCleanup]
    public void Remove() => _dir.Dispose();

    [TestMethod]
    public void ReadAll_NoFile_NoRows() => Assert.IsEmpty(GrowthScan.ReadAll(File));

    [TestMethod]
    public void ReadAll_TheScriptsOutput_RowsWithTheFilesTime()
    {
        System.IO.File.WriteAllText(
            File,
            "subvolume\ttotal_bytes\tchanged_bytes\tdays\tweekly_bytes\ndata\t5316005710397\t234783817891\t180\t9130481806\n/srv/data/home\t1000\t0\t7\t0\n"
        );
        var written = new DateTime(2026, 1, 5, 9, 0, 0, DateTimeKind.Utc);
        System.IO.File.SetLastWriteTimeUtc(File, written);

        IReadOnlyList<GrowthScan> rows = GrowthScan.ReadAll(File);

        Assert.HasCount(2, rows);
        Assert.AreEqual(
            new GrowthScan("data", 5_316_005_710_397, 234_783_817_891, 180, 9_130_481_806, written),
            rows[0]
        );
        Assert.AreEqual("/srv/data/home", rows[1].Subvolume);
    }

    [TestMethod]
    [DataRow("data\t1000\t10\t7")]
    [DataRow("data\t1000\t-10\t7\t10")]
    [DataRow("data\t1000\t10\t0\t10")]
    [DataRow("data 1000 10 7 10")]
    public void ReadAll_BadRow_BadDataNamingTheLine(string row)
    {
        System.IO.File.WriteAllText(File, $"subvolume\ttotal_bytes\tchanged_bytes\tdays\tweekly_bytes\n{row}\n");

        BackupFailure failure = Assert.ThrowsExactly<BackupFailure>(() => GrowthScan.ReadAll(File));

        Assert.AreEqual(FailureKind.BadData, failure.Kind);
        Assert.AreEqual(
            $"{File} line 2: \"{row}\" is not a subvolume, total_bytes, changed_bytes, days and weekly_bytes apart by tabs; write it again with scripts/fs_growth_analysis.sh --write {File}",
            failure.Message
        );
    }
}
