using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Tests.Infrastructure;

namespace BtrfsToS3.Tests.Reliability;

/// <summary>Disk trouble under the spooler: a spool disk too small or filling up (a real ext4 on a loop device), stray
/// files. Clear messages, nothing lost.</summary>
[TestClass]
public sealed class DiskTests : BtrfsTest
{
    [TestMethod]
    public void Run_SpoolFilesystemTooSmallForAChunk_Exits73AndLeavesNothing()
    {
        using LoopFilesystem disk = LoopFilesystem.Create("8M");
        string small = disk.Dir;

        string config = _fx.WriteConfig(16 * ByteSize.MiB, ByteSize.GiB, ["data"]);

        (int code, string output) = ToolRun.Run(Spooler, "--config", config, "--spool.dir", small);

        Assert.AreEqual(ExitCodes.CannotCreate, code, output);
        StringAssert.Contains(output, $"spool {small}: the filesystem has");
        StringAssert.Contains(output, "a chunk needs 32MiB, and no chunk in the spool waits for upload to free room");
        Assert.IsEmpty(
            Directory.GetFileSystemEntries(small).Where(p => !p.EndsWith(".lock", StringComparison.Ordinal))
        );
        Assert.IsEmpty(Directory.GetDirectories(_fx.Snapshots), "the snapshot of the failed stream was left");
    }

    [TestMethod]
    public void Run_SpoolFillsUpMidStream_PausesOnFreeSpaceAndFinishesAsChunksLeave()
    {
        using LoopFilesystem disk = LoopFilesystem.Create("24M");
        string small = disk.Dir;

        // The quota allows far more than the filesystem holds: the free-space check is what pauses the spooler.
        string config = _fx.WriteConfig(ByteSize.MiB, ByteSize.GiB, ["data"]);
        using ToolRun run = ToolRun.Start(Spooler, "--config", config, "--spool.dir", small);
        run.WaitForOutput("spool full (free space)", TimeSpan.FromSeconds(60));
        var taken = new List<string>();
        while (!run.HasExited)
        {
            foreach (
                string chunk in Directory.GetDirectories(small).SelectMany(d => Directory.GetFiles(d, "chunk-??????"))
            )
            {
                taken.Add(Path.GetFileName(chunk));
                File.Delete(chunk);
            }

            Thread.Sleep(200);
        }

        Assert.AreEqual(ExitCodes.Ok, run.WaitForExit(TimeSpan.FromSeconds(30)), run.Output);
        StringAssert.Contains(run.Output, "resuming");
        Assert.IsTrue(File.Exists(Path.Combine(Directory.GetDirectories(small).Single(), "seal.json")));
    }

    [TestMethod]
    public void Run_StrayFilesInTheSpool_AreLoggedAndLeftAlone()
    {
        string config = _fx.WriteConfig(ByteSize.MiB, ByteSize.GiB, ["data"]);
        File.WriteAllText(Path.Combine(_fx.Spool, "notes.txt"), "mine");
        Directory.CreateDirectory(Path.Combine(_fx.Spool, "not-a-stream"));

        (int code, string output) = ToolRun.Run(Spooler, "--config", config);

        Assert.AreEqual(ExitCodes.Ok, code, output);
        StringAssert.Contains(
            output,
            $"spool: {Path.Combine(_fx.Spool, "notes.txt")} is not a stream of btrfs_to_s3; left alone"
        );
        Assert.AreEqual("mine", File.ReadAllText(Path.Combine(_fx.Spool, "notes.txt")));
        Assert.IsTrue(Directory.Exists(Path.Combine(_fx.Spool, "not-a-stream")));
    }
}
