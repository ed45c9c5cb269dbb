using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.Spool;
using BtrfsToS3.Shared.State;
using BtrfsToS3.Tests.Infrastructure;

namespace BtrfsToS3.Tests.EndToEnd;

/// <summary>
/// Streaming operation (README, "Streaming: no scratch SSD"): the spool on a small tmpfs holding a few chunks, the
/// spooler and the uploader started together as the timer starts them. The stages must overlap (the spooler pauses
/// on the quota and resumes as chunks leave), and what is published must restore.
/// </summary>
[TestClass]
public sealed class StreamingTests : BtrfsAndS3Test
{
    protected override int DataMiB => 12;

    [TestMethod]
    public void Run_SpoolOnSmallTmpfs_FullAndIncrementalPublishAndRestore()
    {
        // Four 1 MiB chunks of quota in a 24 MiB tmpfs: a chunk plus the spooler's 16 MiB free-space margin fits.
        using TmpfsMount memory = TmpfsMount.Create("24m");
        string config = _fx.WriteConfig(
            ByteSize.MiB,
            4 * ByteSize.MiB,
            ["data"],
            _s3.ConfigSection(_s3.Endpoint) + "\n[uploader]\nlinger = 30s"
        );
        string[] onTmpfs = ["--config", config, "--spool.dir", memory.Dir];

        long peak = RunPair(memory.Dir, onTmpfs, out string spoolerOutput);
        StringAssert.Contains(spoolerOutput, "pausing until", "a 12 MiB full never filled a 4 MiB quota");
        StringAssert.Contains(spoolerOutput, "resuming");
        Assert.IsLessThanOrEqualTo(4 * ByteSize.MiB, peak);

        File.WriteAllBytes(
            Path.Combine(_fx.Subvolume("data"), "new.bin"),
            Enumerable.Range(0, 5_000_000).Select(i => (byte)(i * 7)).ToArray()
        );
        Thread.Sleep(1100);
        peak = Math.Max(peak, RunPair(memory.Dir, onTmpfs, out _));
        Assert.IsLessThanOrEqualTo(4 * ByteSize.MiB, peak);

        Published.AssertPointerNamesOnlyCompleteStreams(_s3, "data");
        Assert.HasCount(2, Published.ReadPointer(_s3, "data")!.Generations[0].Manifests);
        Assert.IsEmpty(Directory.GetDirectories(memory.Dir, "data.*"));

        string target = Directory.CreateDirectory(Path.Combine(_fx.Mount, "restored")).FullName;
        (int code, string output) = ToolRun.Run(
            UploaderTool,
            ["restore", .. onTmpfs, "--subvolume", "data", "--target", target]
        );
        Assert.AreEqual(ExitCodes.Ok, code, output);
        string published = StateFiles.ReadPublished(_fx.State, "data")!.Snapshot.Name;
        SendStreams.AssertSameTree(Path.Combine(_fx.Snapshots, published), Path.Combine(target, published));
    }

    /// <summary>Runs the uploader and the spooler together to their ends; returns the most chunk data seen in the
    /// spool.</summary>
    private static long RunPair(string spoolDir, string[] arguments, out string spoolerOutput)
    {
        using ToolRun uploader = ToolRun.Start(UploaderTool, arguments);
        using ToolRun spooler = ToolRun.Start(Spooler, arguments);
        long peak = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!spooler.HasExited || !uploader.HasExited)
        {
            Assert.IsLessThan(180, clock.Elapsed.TotalSeconds, $"{spooler.Output}\n{uploader.Output}");
            peak = Math.Max(peak, new SpoolDirectory(spoolDir).ChunkDataBytes());
            Thread.Sleep(20);
        }

        Assert.AreEqual(ExitCodes.Ok, spooler.WaitForExit(TimeSpan.FromMinutes(2)), spooler.Output);
        Assert.AreEqual(ExitCodes.Ok, uploader.WaitForExit(TimeSpan.FromMinutes(2)), uploader.Output);
        spoolerOutput = spooler.Output;
        return peak;
    }
}
