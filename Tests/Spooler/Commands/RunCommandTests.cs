using BtrfsToS3.Shared.Btrfs;
using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.IO;
using BtrfsToS3.Shared.Spool;
using BtrfsToS3.Tests.Infrastructure;

namespace BtrfsToS3.Tests.Spooler.Commands;

/// <summary>The spooler as a real process on a real loopback btrfs.</summary>
[TestClass]
public sealed class RunCommandTests : BtrfsTest
{
    [TestMethod]
    public void Run_FullThenIncremental_ChunksAreTheSendStreamAndReceiveReproducesTheSubvolume()
    {
        string config = _fx.WriteConfig(chunkSize: ByteSize.MiB, quota: ByteSize.GiB, subvolumes: ["data"]);

        (int code, string output) = ToolRun.Run(Spooler, "--config", config);

        Assert.AreEqual(ExitCodes.Ok, code, output);
        string fullDir = SingleStreamDir("data");
        Seal full = SendStreams.ReadSeal(fullDir);
        Assert.AreEqual(StreamKind.Full, full.Kind);
        Assert.IsNull(full.Parent);
        Assert.HasCount(full.ChunkCount, full.Chunks);
        Assert.IsGreaterThan(8, full.ChunkCount);
        string fullSnapshot = Path.Combine(_fx.Snapshots, full.Snapshot.Name);
        string spooledFull = SendStreams.Concatenate(fullDir, full);
        SendStreams.AssertSameBytes(SendStreams.ReferenceSend(_fx, full), spooledFull);
        Assert.AreEqual(new FileInfo(spooledFull).Length, full.TotalBytes);

        Published.Record(_fx, full);
        File.AppendAllText(Path.Combine(_fx.Subvolume("data"), "docs/doc1.txt"), "changed\n");
        File.Delete(Path.Combine(_fx.Subvolume("data"), "docs/doc2.txt"));
        File.WriteAllBytes(Path.Combine(_fx.Subvolume("data"), "new.bin"), new byte[300_000]);

        (code, output) = ToolRun.Run(Spooler, "--config", config);

        Assert.AreEqual(ExitCodes.Ok, code, output);
        string incrementalDir = SingleStreamDir("data");
        Seal incremental = SendStreams.ReadSeal(incrementalDir);
        Assert.AreEqual(StreamKind.Incremental, incremental.Kind);
        Assert.AreEqual(full.Snapshot, incremental.Parent);
        Assert.AreEqual(full.Generation, incremental.Generation);
        Assert.AreEqual(1, incremental.ChainPosition);
        string incrementalSnapshot = Path.Combine(_fx.Snapshots, incremental.Snapshot.Name);
        // [btrfs] send_protocol and compressed_data are auto: what this host sends.
        SendSettings auto = SendSettings.Of(
            new BtrfsOptions(null, null),
            SendSettings.ParseProgs(Shell.Run("btrfs", "--version")),
            BtrfsTool.KernelSendProtocol()
        );
        CollectionAssert.AreEqual(
            BtrfsTool.SendCommand(incrementalSnapshot, fullSnapshot, auto).ToArray(),
            incremental.SendCommand.ToArray()
        );
        Assert.AreEqual(auto.Protocol, incremental.SendProtocol);
        string spooledIncremental = SendStreams.Concatenate(incrementalDir, incremental);
        SendStreams.AssertSameBytes(SendStreams.ReferenceSend(_fx, incremental), spooledIncremental);

        string restored = Path.Combine(_fx.Mount, "restored");
        SendStreams.Receive(_fx, spooledFull, restored);
        SendStreams.AssertSameTree(fullSnapshot, Path.Combine(restored, full.Snapshot.Name));
        SendStreams.Receive(_fx, spooledIncremental, restored);
        SendStreams.AssertSameTree(incrementalSnapshot, Path.Combine(restored, incremental.Snapshot.Name));
        SendStreams.AssertSameTree(_fx.Subvolume("data"), Path.Combine(restored, incremental.Snapshot.Name));
    }

    [TestMethod]
    public void Run_ThreeSubvolumes_SealsOneStreamEach()
    {
        string config = _fx.WriteConfig(chunkSize: 4 * ByteSize.MiB, quota: ByteSize.GiB);

        (int code, string output) = ToolRun.Run(Spooler, "--config", config);

        Assert.AreEqual(ExitCodes.Ok, code, output);
        foreach (string subvolume in new[] { "data", "root", "home" })
        {
            Seal seal = SendStreams.ReadSeal(SingleStreamDir(subvolume));
            Assert.AreEqual(subvolume, seal.Subvolume);
            Assert.IsTrue(SnapshotName.TryParse(seal.Snapshot.Name, out string name, out _) && name == subvolume);
            Assert.AreEqual("btrfs-progs v", seal.BtrfsProgsVersion[..13]);
            Assert.IsFalse(string.IsNullOrEmpty(seal.KernelVersion));
        }
    }

    [TestMethod]
    public void Run_SealedStreamWaiting_StartsNoSecondStreamForThatSubvolume()
    {
        string config = _fx.WriteConfig(chunkSize: 4 * ByteSize.MiB, quota: ByteSize.GiB, subvolumes: ["data", "home"]);
        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(Spooler, "--config", config).Code);
        string home = SingleStreamDir("home");
        Published.Record(_fx, SendStreams.ReadSeal(home));

        (int code, string output) = ToolRun.Run(Spooler, "--config", config);

        Assert.AreEqual(ExitCodes.Ok, code, output);
        StringAssert.Contains(output, "is sealed and not yet published; no new stream until it is");
        Assert.HasCount(1, StreamDirs("data"));
        Assert.AreEqual(StreamKind.Incremental, SendStreams.ReadSeal(SingleStreamDir("home")).Kind);
    }

    [TestMethod]
    public void Run_LockHeld_Exits75AndTouchesNothing()
    {
        string config = _fx.WriteConfig(chunkSize: ByteSize.MiB, quota: ByteSize.GiB, subvolumes: ["data"]);
        using FileLock held = FileLock.Acquire(Path.Combine(_fx.Spool, SpoolLayout.SpoolerLock), "test");
        string before = Listing();

        (int code, string output) = ToolRun.Run(Spooler, "--config", config);

        Assert.AreEqual(ExitCodes.TryAgainLater, code, output);
        StringAssert.Contains(output, "another spooler is running");
        Assert.AreEqual(before, Listing());
    }

    [TestMethod]
    public void Run_QuotaReached_PausesUntilChunksAreDeletedAndNeverExceedsIt()
    {
        long quota = 2 * ByteSize.MiB;
        string config = _fx.WriteConfig(chunkSize: ByteSize.MiB, quota: quota, subvolumes: ["data"]);
        string taken = Path.Combine(_fx.Dir, "taken");
        Directory.CreateDirectory(taken);
        long peak = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();

        using ToolRun run = ToolRun.Start(Spooler, "--config", config);
        run.WaitForOutput("pausing until", TimeSpan.FromSeconds(60));
        while (!StreamDirs("data").Any(d => File.Exists(Path.Combine(d, SpoolLayout.Seal))))
        {
            peak = Math.Max(peak, new SpoolDirectory(_fx.Spool).ChunkDataBytes());
            // A slow consumer: one ready chunk every 300 ms, the way the uploader deletes what it has verified.
            string? ready = StreamDirs("data")
                .SelectMany(d => Directory.GetFiles(d, "chunk-??????"))
                .Order()
                .FirstOrDefault();
            if (ready is not null)
            {
                File.Move(ready, Path.Combine(taken, Path.GetFileName(ready)));
            }

            Thread.Sleep(300);
            Assert.IsLessThan(120, clock.Elapsed.TotalSeconds, run.Output);
        }

        Assert.AreEqual(ExitCodes.Ok, run.WaitForExit(TimeSpan.FromSeconds(60)), run.Output);
        Assert.IsLessThanOrEqualTo(quota, peak);
        StringAssert.Contains(run.Output, "spool has room again: resuming");
        string streamDir = SingleStreamDir("data");
        foreach (string rest in Directory.GetFiles(streamDir, "chunk-??????"))
        {
            File.Move(rest, Path.Combine(taken, Path.GetFileName(rest)));
        }

        Seal seal = SendStreams.ReadSeal(streamDir);
        string joined = Path.Combine(_fx.Dir, "joined.stream");
        using (FileStream output = File.Create(joined))
        {
            foreach (ChunkRecord chunk in seal.Chunks)
            {
                using FileStream input = File.OpenRead(Path.Combine(taken, chunk.Name));
                input.CopyTo(output);
            }
        }

        SendStreams.AssertSameBytes(SendStreams.ReferenceSend(_fx, seal), joined);
    }

    private IEnumerable<string> StreamDirs(string subvolume) =>
        Directory.GetDirectories(_fx.Spool, subvolume + ".*").Order();

    private string SingleStreamDir(string subvolume)
    {
        string[] dirs = [.. StreamDirs(subvolume)];
        Assert.HasCount(1, dirs, $"stream directories of {subvolume}");
        return dirs[0];
    }

    /// <summary>Every file and snapshot the spooler could have touched, with sizes.</summary>
    private string Listing() =>
        string.Join(
            '\n',
            Directory
                .EnumerateFileSystemEntries(_fx.Spool, "*", SearchOption.AllDirectories)
                .Concat(Directory.EnumerateFileSystemEntries(_fx.Snapshots))
                .Concat(Directory.EnumerateFileSystemEntries(_fx.State))
                .Order()
                .Select(p => File.Exists(p) ? $"{p} {new FileInfo(p).Length}" : p)
        );
}
