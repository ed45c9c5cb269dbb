using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.Spool;
using BtrfsToS3.Tests.Infrastructure;

namespace BtrfsToS3.Tests.Spooler.Commands;

/// <summary>Crashes and failures of the spooler, on real btrfs: what is left must be whole or gone, never
/// half.</summary>
[TestClass]
public sealed class RunCommandRecoveryTests : BtrfsTest
{
    [TestMethod]
    public void Run_KilledMidStream_RerunResendsTheSameStreamWithTheSameChunks()
    {
        UseLargerStream();
        string config = ThreeChunkConfig("data");
        using (ToolRun run = StartPausedSpooler(config))
        {
            run.KillHard();
        }

        string streamDir = Directory.GetDirectories(_fx.Spool, "data.*").Single();
        Assert.IsFalse(File.Exists(Path.Combine(streamDir, SpoolLayout.Seal)));
        Dictionary<string, string> before = Directory
            .GetFiles(streamDir, "chunk-??????.json")
            .ToDictionary(p => Path.GetFileName(p), File.ReadAllText);
        Assert.HasCount(3, before);
        AssertSendsEnd("btrfs send outlived the killed spooler");

        (int code, string output) = ToolRun.Run(Spooler, "--config", config, "--spool.quota", "1GiB");

        Assert.AreEqual(ExitCodes.Ok, code, output);
        StringAssert.Contains(output, "an earlier run did not seal it; sending it again from the same snapshot");
        Assert.AreEqual(streamDir, Directory.GetDirectories(_fx.Spool, "data.*").Single());
        Seal seal = SendStreams.ReadSeal(streamDir);
        foreach ((string name, string record) in before)
        {
            Assert.AreEqual(
                record,
                File.ReadAllText(Path.Combine(streamDir, name)),
                $"{name} differs after the resend"
            );
        }

        SendStreams.AssertSameBytes(SendStreams.ReferenceSend(_fx, seal), SendStreams.Concatenate(streamDir, seal));
        Assert.HasCount(1, Directory.GetDirectories(_fx.Snapshots), "the resend made a new snapshot");
        Assert.IsEmpty(Directory.GetFiles(streamDir, "*.tmp"));
    }

    /// <summary>
    /// The spool is shared with the uploader's user: a header whose send command was changed there must not get root to
    /// run it. The command is made again from the header's checked names; a header recording another is not resent.
    /// </summary>
    [TestMethod]
    public void Run_UnsealedHeaderWithAnotherSendCommand_IsNotRunAndTheStreamIsSentAnew()
    {
        UseLargerStream();
        string config = ThreeChunkConfig("data");
        using (ToolRun run = StartPausedSpooler(config))
        {
            run.KillHard();
        }

        string streamDir = Directory.GetDirectories(_fx.Spool, "data.*").Single();
        string canary = Path.Combine(_fx.Dir, "ran-by-root");
        string header = Path.Combine(streamDir, SpoolLayout.Header);
        System.Text.Json.Nodes.JsonNode json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(header))!;
        json["send_command"] = new System.Text.Json.Nodes.JsonArray("touch", canary);
        File.WriteAllText(header, json.ToJsonString());

        (int code, string output) = ToolRun.Run(Spooler, "--config", config, "--spool.quota", "1GiB");

        Assert.AreEqual(ExitCodes.Ok, code, output);
        Assert.IsFalse(File.Exists(canary), "the recorded command was run");
        StringAssert.Contains(output, $"with the send command \"touch {canary}\", not btrfs send");
        StringAssert.Contains(output, "unsealed; removed from the spool with its snapshot");
        Assert.IsTrue(
            File.Exists(Path.Combine(Directory.GetDirectories(_fx.Spool, "data.*").Single(), SpoolLayout.Seal)),
            "no stream was sent anew"
        );
    }

    [TestMethod]
    public void Run_Sigterm_Exits75LeavesTheStreamUnsealedAndTheNextRunFinishesIt()
    {
        UseLargerStream();
        string config = ThreeChunkConfig("data");
        using (ToolRun run = StartPausedSpooler(config))
        {
            run.Terminate();

            Assert.AreEqual(ExitCodes.TryAgainLater, run.WaitForExit(TimeSpan.FromSeconds(30)), run.Output);
            StringAssert.Contains(run.Output, "SIGTERM received");
        }

        string streamDir = Directory.GetDirectories(_fx.Spool, "data.*").Single();
        Assert.IsFalse(File.Exists(Path.Combine(streamDir, SpoolLayout.Seal)));
        AssertSendsEnd("btrfs send outlived the stopped spooler");

        (int code, string output) = ToolRun.Run(Spooler, "--config", config, "--spool.quota", "1GiB");

        Assert.AreEqual(ExitCodes.Ok, code, output);
        Seal seal = SendStreams.ReadSeal(streamDir);
        SendStreams.AssertSameBytes(SendStreams.ReferenceSend(_fx, seal), SendStreams.Concatenate(streamDir, seal));
    }

    [TestMethod]
    public void Run_BtrfsSendDies_LeavesNoSealNoChunksAndNoSnapshot()
    {
        UseLargerStream();
        string config = ThreeChunkConfig("data", "home");
        using ToolRun run = StartPausedSpooler(config);
        int send = SendProcesses.Running().Single();
        Mono.Unix.Native.Syscall.kill(send, Mono.Unix.Native.Signum.SIGKILL);
        // Consume, so the spooler reads on to the end of the broken stream.
        int code = -1;
        for (int i = 0; i < 300 && code < 0; i++)
        {
            foreach (
                string chunk in Directory
                    .GetDirectories(_fx.Spool, "data.*")
                    .SelectMany(d => Directory.GetFiles(d, "chunk-??????"))
            )
            {
                File.Delete(chunk);
            }

            code = run.HasExited ? run.WaitForExit(TimeSpan.Zero) : -1;
            Thread.Sleep(200);
        }

        Assert.AreEqual(ExitCodes.Unavailable, code, run.Output);
        StringAssert.Contains(run.Output, "btrfs send");
        StringAssert.Contains(run.Output, "exited 137");
        Assert.IsEmpty(Directory.GetDirectories(_fx.Spool, "data.*"), "the failed stream is still in the spool");
        Assert.IsEmpty(
            Directory.GetDirectories(_fx.Snapshots, "data.*"),
            "the failed stream's snapshot is still there"
        );
        Assert.HasCount(1, Directory.GetDirectories(_fx.Spool, "home.*"), "the other subvolume was not spooled");
        Assert.IsTrue(
            File.Exists(Path.Combine(Directory.GetDirectories(_fx.Spool, "home.*").Single(), SpoolLayout.Seal))
        );
    }

    [TestMethod]
    public void Run_UnsealedStreamWhoseParentIsGone_IsDiscardedAndAFullIsSent()
    {
        string config = _fx.WriteConfig(chunkSize: ByteSize.MiB, quota: ByteSize.GiB, subvolumes: ["data"]);
        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(Spooler, "--config", config).Code);
        Seal full = SendStreams.ReadSeal(Directory.GetDirectories(_fx.Spool, "data.*").Single());
        Published.Record(_fx, full);
        string quota = (3 * ByteSize.MiB + 64 * ByteSize.KiB).ToString(
            System.Globalization.CultureInfo.InvariantCulture
        );
        File.WriteAllBytes(
            Path.Combine(_fx.Subvolume("data"), "more.bin"),
            System.Security.Cryptography.RandomNumberGenerator.GetBytes(5_000_000)
        );
        using (ToolRun run = StartPausedSpooler(config, "--spool.quota", quota))
        {
            run.KillHard();
        }

        string unsealed = Directory.GetDirectories(_fx.Spool, "data.*").Single();
        StreamHeader abandoned = SendStreams.ReadHeader(unsealed);
        Assert.AreEqual(StreamKind.Incremental, abandoned.Kind);
        Shell.Run("btrfs", "subvolume", "delete", Path.Combine(_fx.Snapshots, full.Snapshot.Name));

        (int code, string output) = ToolRun.Run(Spooler, "--config", config);

        Assert.AreEqual(ExitCodes.Ok, code, output);
        StringAssert.Contains(output, "is gone or changed");
        StringAssert.Contains(output, $"stream {abandoned.Stream}: unsealed; removed from the spool with its snapshot");
        Seal seal = SendStreams.ReadSeal(Directory.GetDirectories(_fx.Spool, "data.*").Single());
        Assert.AreEqual(StreamKind.Full, seal.Kind);
        Assert.AreNotEqual(abandoned.Snapshot.Uuid, seal.Snapshot.Uuid);
        Assert.HasCount(1, Directory.GetDirectories(_fx.Snapshots), "the abandoned stream's snapshot is still there");
        StringAssert.Contains(output, "is missing");
    }

    [TestMethod]
    public void Run_ParentSnapshotReplaced_SendsAFull()
    {
        string config = _fx.WriteConfig(chunkSize: ByteSize.MiB, quota: ByteSize.GiB, subvolumes: ["data"]);
        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(Spooler, "--config", config).Code);
        Seal full = SendStreams.ReadSeal(Directory.GetDirectories(_fx.Spool, "data.*").Single());
        Published.Record(_fx, full);
        string parent = Path.Combine(_fx.Snapshots, full.Snapshot.Name);
        Shell.Run("btrfs", "subvolume", "delete", parent);
        Shell.Run("btrfs", "subvolume", "snapshot", "-r", _fx.Subvolume("data"), parent);

        (int code, string output) = ToolRun.Run(Spooler, "--config", config);

        Assert.AreEqual(ExitCodes.Ok, code, output);
        StringAssert.Contains(output, $"has UUID");
        Assert.AreEqual(
            StreamKind.Full,
            SendStreams.ReadSeal(Directory.GetDirectories(_fx.Spool, "data.*").Single()).Kind
        );
    }

    [TestMethod]
    public void Run_FullFlag_SendsAFullDespiteAPublishedParent()
    {
        string config = _fx.WriteConfig(chunkSize: ByteSize.MiB, quota: ByteSize.GiB, subvolumes: ["data"]);
        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(Spooler, "--config", config).Code);
        Published.Record(_fx, SendStreams.ReadSeal(Directory.GetDirectories(_fx.Spool, "data.*").Single()));

        (int code, string output) = ToolRun.Run(Spooler, "--config", config, "--full");

        Assert.AreEqual(ExitCodes.Ok, code, output);
        StringAssert.Contains(output, "full stream, because --full was given");
    }

    /// <summary>1 MiB chunks and a spool that holds three of them.</summary>
    private string ThreeChunkConfig(params string[] subvolumes) =>
        _fx.WriteConfig(chunkSize: ByteSize.MiB, quota: 3 * ByteSize.MiB + 64 * ByteSize.KiB, subvolumes: subvolumes);

    /// <summary>A spooler stopped mid-stream by its quota, with nothing consuming the spool: btrfs send blocks on its
    /// pipe.</summary>
    private static ToolRun StartPausedSpooler(string config, params string[] extra)
    {
        ToolRun run = ToolRun.Start(Spooler, ["--config", config, .. extra]);
        run.WaitForOutput("pausing until", TimeSpan.FromSeconds(60));
        return run;
    }

    /// <summary>A stream larger than the spooler's read-ahead, so that btrfs send is still running when the spooler
    /// pauses.</summary>
    private void UseLargerStream()
    {
        _fx.Dispose();
        _fx = BtrfsFixture.Create(dataMiB: 40);
    }

    /// <summary>A send whose reader is gone dies of SIGPIPE at its next write, which may take a moment.</summary>
    private static void AssertSendsEnd(string message)
    {
        for (int i = 0; i < 100 && SendProcesses.Running().Count > 0; i++)
        {
            Thread.Sleep(100);
        }

        Assert.IsEmpty(SendProcesses.Running(), message);
    }
}
