using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Crypto;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.Format;
using BtrfsToS3.Shared.Spool;
using BtrfsToS3.Shared.State;
using BtrfsToS3.Tests.Infrastructure;

namespace BtrfsToS3.Tests.Reliability;

/// <summary>
/// Backup cycles, each with one fault: the spooler or the uploader killed at a random moment or at a named crash point,
/// <c>btrfs send</c> dying mid-stream, the spooler killed and restarted under a running uploader, the network to S3
/// slowed, cut for a moment, cut for 30 to 120 s in the middle of a multipart chunk, or cut until the uploader gives
/// up, or the uploader killed in the middle of a multipart chunk and run again (those two report the bytes sent again).
/// Then the pair runs again with no manual step, and after every cycle: the pointer names only whole streams, S3 holds
/// no generation the pointer does not name, the spool drains, no multipart upload is left, the next incremental chains
/// on what was published, and the chain restores identical to the last published snapshot.
/// </summary>
/// <remarks>
/// The first cycles take every fault once, in order; later ones pick faults at random. Seeded: TORTURE_SEED reproduces
/// a run (the seed is printed); TORTURE_CYCLES sets the number of cycles (CI: one per fault; scripts/torture.sh: 50).
/// </remarks>
[TestClass]
public sealed class TortureTests : BtrfsAndS3Test
{
    private static readonly string[] Faults =
    [
        "spooler killed",
        "spooler at spooler-before-chunk-rename",
        "spooler at spooler-after-chunk-rename",
        "spooler at spooler-in-quota-pause",
        "btrfs send dies",
        "spooler killed and restarted under the uploader",
        "uploader killed on a slow link",
        "uploader at a publish step",
        RetentionFault,
        "network cut for 3 s",
        "network cut until the uploader gives up",
        "network cut for 30-120 s mid-chunk",
        "uploader killed mid-chunk, resumed",
    ];

    /// <summary>The fault whose cycle sends a new full (and so may change the generation's encryption).</summary>
    private const string RetentionFault = "uploader at uploader-during-retention";

    private static readonly string[] PublishSteps =
    [
        "uploader-after-verify",
        "uploader-after-manifest",
        "uploader-after-pointer",
        "uploader-after-state",
    ];

    /// <summary>The age key file restore is given for the cycles whose generation is encrypted.</summary>
    private string _identity = null!;

    public TestContext TestContext { get; set; } = null!;

    protected override int DataMiB => 6;

    [TestMethod]
    public void Cycles_OneFaultEach_NothingLostNothingHalfPublished()
    {
        int seed = int.TryParse(Environment.GetEnvironmentVariable("TORTURE_SEED"), out int given)
            ? given
            : Random.Shared.Next();
        int cycles = int.TryParse(Environment.GetEnvironmentVariable("TORTURE_CYCLES"), out int c) ? c : Faults.Length;
        Console.WriteLine($"torture: seed {seed}, {cycles} cycles (TORTURE_SEED={seed} reproduces it)");
        var random = new Random(seed);
        AgeIdentity identity = AgeIdentity.Generate();
        _identity = Path.Combine(_fx.Dir, "key.txt");
        File.WriteAllText(_identity, $"{identity.ToSecretText()}\n");
        string Config(bool encrypted) =>
            _fx.WriteConfig(
                ByteSize.MiB,
                4 * ByteSize.MiB,
                ["data"],
                _s3.ConfigSection(_s3.Endpoint)
                    + $"\n[uploader]\nlinger = 0s\nabort_uploads_older_than = 0s\n[retention]\nkeep_generations = 1\nmin_age_days = 0\n[encryption]\nrecipients = {(encrypted ? identity.Recipient.Text : string.Empty)}",
                compression: "auto"
            );
        bool encrypted = false;
        string config = Config(encrypted);
        using var proxy = new TcpProxy(new Uri(_s3.Endpoint));
        var log = new List<string>();
        for (int cycle = 0; cycle < cycles; cycle++)
        {
            Mutate(random, cycle);
            string fault = cycle < Faults.Length ? Faults[cycle] : Faults[random.Next(Faults.Length)];

            // What users run: the default encoding (compression auto) in every cycle, and age in about half of the
            // generations. A user changes recipients for the next full, and an encrypted generation is never continued
            // unencrypted (without recipients the spooler refuses it, exit 78), so the setting changes only where a
            // full is sent: the first cycle, chosen at random, and each new full of the retention fault, the other way.
            if (cycle == 0 || fault == RetentionFault)
            {
                encrypted = cycle == 0 ? random.Next(2) == 0 : !encrypted;
            }

            config = Config(encrypted);
            string what =
                $"{Inject(fault, random, config, proxy)} (compression auto, {(encrypted ? "age recipients set" : "no encryption")})";
            log.Add($"cycle {cycle}: {what}");
            Console.WriteLine($"torture: cycle {cycle}: {what}");
            string history = string.Join('\n', log);

            // Run again, as the next timer run or a person would: spooler, then the uploader until the spool is empty.
            RunToEnd(config, history);
            Published.AssertPointerNamesOnlyCompleteStreams(_s3, "data");
            Published.AssertNoUnnamedGeneration(_s3, "data");
            Assert.IsEmpty(Directory.GetDirectories(_fx.Spool, "data.*"), $"the spool did not drain\n{history}");
            Assert.IsEmpty(_s3.MultipartUploads(), $"a multipart upload was left\n{history}");
            AssertRestoresTheLastPublished(config, cycle);
        }

        TestContext.WriteLine(string.Join('\n', log));
    }

    /// <summary>Adds, changes and deletes files, so every cycle has an incremental of more than one chunk to
    /// send.</summary>
    private void Mutate(Random random, int cycle)
    {
        string data = _fx.Subvolume("data");
        byte[] bytes = new byte[random.Next(1_200_000, 3_000_000)];
        random.NextBytes(bytes);
        File.WriteAllBytes(Path.Combine(data, $"cycle-{cycle}.bin"), bytes);
        File.AppendAllText(Path.Combine(data, "docs/doc1.txt"), $"cycle {cycle}\n");
        string[] small = Directory.GetFiles(Path.Combine(data, "small"));
        if (small.Length > 0)
        {
            File.Delete(small[random.Next(small.Length)]);
        }
    }

    /// <summary>Starts a cycle with one fault; says what happened.</summary>
    private string Inject(string fault, Random random, string config, TcpProxy proxy)
    {
        // Snapshot names have one-second resolution.
        Thread.Sleep(1100);
        return fault switch
        {
            "spooler killed" => SpoolerKilled(random, config),
            "spooler at spooler-before-chunk-rename"
            or "spooler at spooler-after-chunk-rename"
            or "spooler at spooler-in-quota-pause" => SpoolerAtCrashPoint(fault, config),
            "btrfs send dies" => SendDies(random, config),
            "spooler killed and restarted under the uploader" => SpoolerRestartedUnderTheUploader(random, config),
            "uploader killed on a slow link" => UploaderKilledOnASlowLink(random, config, proxy),
            "uploader at a publish step" or RetentionFault => UploaderAtCrashPoint(fault, random, config),
            "network cut for 3 s" => NetworkCutBriefly(random, config, proxy),
            "network cut until the uploader gives up" => NetworkCutUntilGiveUp(random, config, proxy),
            "network cut for 30-120 s mid-chunk" => LongOutageMidChunk(random, config, proxy),
            "uploader killed mid-chunk, resumed" => UploaderKilledMidChunk(random, config, proxy),
            _ => throw new ArgumentOutOfRangeException(nameof(fault), fault, "no such fault"),
        };
    }

    private static string SpoolerKilled(Random random, string config)
    {
        int delay = random.Next(0, 1500);
        using ToolRun uploader = ToolRun.Start(UploaderTool, "--config", config);
        using ToolRun spooler = ToolRun.Start(Spooler, "--config", config);
        Thread.Sleep(delay);
        spooler.KillHard();
        uploader.WaitForExit(TimeSpan.FromMinutes(2));
        return $"spooler killed after {delay} ms";
    }

    private static string SpoolerAtCrashPoint(string fault, string config)
    {
        string point = fault["spooler at ".Length..];
        // Alone and with a quota of one chunk (its encoded bound: 1 MiB of stream, a 1,024th and 64 KiB), so that the
        // second chunk must wait for room.
        using ToolRun spooler = ToolRun.Start(
            Spooler,
            new Dictionary<string, string> { ["BTRFS_TO_S3_CRASH_AT"] = point },
            "--config",
            config,
            "--spool.quota",
            "1100KiB"
        );
        int code = spooler.WaitForExit(TimeSpan.FromMinutes(2));
        Assert.AreEqual(137, code, $"the spooler did not reach {point}:\n{spooler.Output}");
        return $"spooler killed at {point}";
    }

    private string SendDies(Random random, string config)
    {
        long after = random.Next(0, 1_000_000);
        string bin = Directory.CreateDirectory(Path.Combine(_fx.Dir, "dying-btrfs")).FullName;
        SendProcesses.WriteDyingBtrfs(bin, after);
        var path = new Dictionary<string, string> { ["PATH"] = $"{bin}:{Environment.GetEnvironmentVariable("PATH")}" };
        using ToolRun spooler = ToolRun.Start(Spooler, path, "--config", config, "--spool.quota", "1GiB");
        int code = spooler.WaitForExit(TimeSpan.FromMinutes(2));
        Assert.AreEqual(ExitCodes.Unavailable, code, spooler.Output);
        StringAssert.Contains(spooler.Output, "btrfs send");
        Assert.IsEmpty(
            Directory.GetDirectories(_fx.Spool, "data.*"),
            $"the failed stream is still in the spool:\n{spooler.Output}"
        );
        return $"btrfs send died after {after} bytes: spooler exit 69";
    }

    private static string SpoolerRestartedUnderTheUploader(Random random, string config)
    {
        // The uploader may be uploading a chunk of the killed spooler's stream while the new spooler removes
        // that stream's chunks and sends it again.
        int delay = random.Next(300, 1500);
        using ToolRun uploader = ToolRun.Start(UploaderTool, "--config", config);
        using (ToolRun first = ToolRun.Start(Spooler, "--config", config))
        {
            Thread.Sleep(delay);
            first.KillHard();
        }

        using ToolRun second = ToolRun.Start(Spooler, "--config", config);
        Assert.AreEqual(ExitCodes.Ok, second.WaitForExit(TimeSpan.FromMinutes(2)), second.Output);
        int code = uploader.WaitForExit(TimeSpan.FromMinutes(2));
        Assert.AreEqual(ExitCodes.Ok, code, uploader.Output);
        return $"spooler killed after {delay} ms and restarted at once; uploader exit {code}";
    }

    private static string UploaderKilledOnASlowLink(Random random, string config, TcpProxy proxy)
    {
        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(Spooler, "--config", config, "--spool.quota", "1GiB").Code);
        int delay = random.Next(0, 3000);
        proxy.UpstreamBytesPerSecond = 1_000_000;
        using ToolRun victim = ToolRun.Start(UploaderTool, "--config", config, "--s3.endpoint", proxy.Endpoint);
        Thread.Sleep(delay);
        victim.KillHard();
        proxy.UpstreamBytesPerSecond = 0;
        return $"uploader killed after {delay} ms on a 1 MB/s link";
    }

    private static string UploaderAtCrashPoint(string fault, Random random, string config)
    {
        bool retention = fault.EndsWith("retention", StringComparison.Ordinal);
        string point = retention ? "uploader-during-retention" : PublishSteps[random.Next(PublishSteps.Length)];
        // A new full makes the previous generation one too many for keep_generations = 1.
        string[] spool = retention
            ? ["--config", config, "--spool.quota", "1GiB", "--full"]
            : ["--config", config, "--spool.quota", "1GiB"];
        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(Spooler, spool).Code);
        using ToolRun crashing = ToolRun.Start(
            UploaderTool,
            new Dictionary<string, string> { ["BTRFS_TO_S3_CRASH_AT"] = point },
            "--config",
            config
        );
        int code = crashing.WaitForExit(TimeSpan.FromMinutes(2));
        Assert.AreEqual(137, code, $"the uploader did not reach {point}:\n{crashing.Output}");
        return $"uploader killed at {point}";
    }

    private static string NetworkCutBriefly(Random random, string config, TcpProxy proxy)
    {
        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(Spooler, "--config", config, "--spool.quota", "1GiB").Code);
        proxy.UpstreamBytesPerSecond = 1_000_000;
        using ToolRun uploader = ToolRun.Start(UploaderTool, "--config", config, "--s3.endpoint", proxy.Endpoint);
        Thread.Sleep(random.Next(0, 1000));
        proxy.Cut();
        Thread.Sleep(3000);
        proxy.Restore();
        proxy.UpstreamBytesPerSecond = 0;
        int code = uploader.WaitForExit(TimeSpan.FromMinutes(2));
        Assert.AreEqual(ExitCodes.Ok, code, uploader.Output);
        return "network cut for 3 s mid-upload: waited out, uploader exit 0";
    }

    private static string NetworkCutUntilGiveUp(Random random, string config, TcpProxy proxy)
    {
        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(Spooler, "--config", config, "--spool.quota", "1GiB").Code);
        proxy.UpstreamBytesPerSecond = 1_000_000;
        using ToolRun uploader = ToolRun.Start(
            UploaderTool,
            "--config",
            config,
            "--s3.endpoint",
            proxy.Endpoint,
            "--uploader.give_up_after",
            "3s"
        );
        Thread.Sleep(random.Next(0, 1000));
        proxy.Cut();
        int code = uploader.WaitForExit(TimeSpan.FromMinutes(2));
        proxy.Restore();
        proxy.UpstreamBytesPerSecond = 0;
        // It may have finished before the cut; if not, it must give up with "try again later".
        Assert.IsTrue(code is ExitCodes.Ok or ExitCodes.TryAgainLater, $"exit {code}:\n{uploader.Output}");
        return $"network cut for good: uploader exit {code}";
    }

    private string LongOutageMidChunk(Random random, string config, TcpProxy proxy)
    {
        long stream = SpoolAMultipartChunk(random, config);
        int percent = random.Next(10, 90);
        int seconds = random.Next(30, 121);
        long before = proxy.UpstreamBytes;
        proxy.UpstreamBytesPerSecond = 4_000_000;
        using ToolRun uploader = ToolRun.Start(UploaderTool, "--config", config, "--s3.endpoint", proxy.Endpoint);
        WaitForUpstream(proxy, before + (stream * percent / 100), uploader);
        proxy.Cut();
        Thread.Sleep(TimeSpan.FromSeconds(seconds));
        proxy.Restore();
        proxy.UpstreamBytesPerSecond = 0;
        int code = uploader.WaitForExit(TimeSpan.FromMinutes(3));
        Assert.AreEqual(ExitCodes.Ok, code, uploader.Output);
        return $"network cut for {seconds} s at {percent} % of a {stream}-byte stream: waited out, uploader exit 0, {Resent(proxy.UpstreamBytes - before, stream)}";
    }

    private string UploaderKilledMidChunk(Random random, string config, TcpProxy proxy)
    {
        long stream = SpoolAMultipartChunk(random, config);
        int percent = random.Next(10, 90);
        long before = proxy.UpstreamBytes;
        proxy.UpstreamBytesPerSecond = 4_000_000;
        using (ToolRun victim = ToolRun.Start(UploaderTool, "--config", config, "--s3.endpoint", proxy.Endpoint))
        {
            WaitForUpstream(proxy, before + (stream * percent / 100), victim);
            victim.KillHard();
        }

        proxy.UpstreamBytesPerSecond = 0;
        (int code, string output) = ToolRun.Run(UploaderTool, "--config", config, "--s3.endpoint", proxy.Endpoint);
        Assert.AreEqual(ExitCodes.Ok, code, output);
        return $"uploader killed at {percent} % of a {stream}-byte stream, run again: exit 0, {Resent(proxy.UpstreamBytes - before, stream)}";
    }

    /// <summary>A 12 MB file more, spooled in chunks of 16 MiB: a chunk of three 5 MiB parts. Returns the stream's
    /// bytes.</summary>
    private long SpoolAMultipartChunk(Random random, string config)
    {
        byte[] bytes = new byte[12_000_000];
        random.NextBytes(bytes);
        File.WriteAllBytes(Path.Combine(_fx.Subvolume("data"), $"big-{Guid.NewGuid():N}.bin"), bytes);
        Assert.AreEqual(
            ExitCodes.Ok,
            ToolRun.Run(Spooler, "--config", config, "--spool.quota", "1GiB", "--spool.chunk_size", "16MiB").Code
        );
        return Directory
            .GetFiles(Directory.GetDirectories(_fx.Spool, "data.*").Single(), "chunk-??????")
            .Sum(f => new FileInfo(f).Length);
    }

    private static void WaitForUpstream(TcpProxy proxy, long bytes, ToolRun uploader)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (proxy.UpstreamBytes < bytes && !uploader.HasExited && clock.Elapsed < TimeSpan.FromMinutes(1))
        {
            Thread.Sleep(10);
        }
    }

    /// <summary>What the link carried beyond the stream's own bytes (requests, headers and the parts sent
    /// again).</summary>
    private static string Resent(long carried, long stream) =>
        $"link carried {carried} bytes for {stream} ({(double)carried / stream:0.000}x, {Math.Max(0, carried - stream)} bytes sent again or in overhead)";

    private static void RunToEnd(string config, string history)
    {
        (int code, string output) = ToolRun.Run(Spooler, "--config", config, "--spool.quota", "1GiB");
        Assert.AreEqual(ExitCodes.Ok, code, $"{history}\n{output}");
        (code, output) = ToolRun.Run(UploaderTool, "--config", config);
        Assert.AreEqual(ExitCodes.Ok, code, $"{history}\n{output}");
    }

    private void AssertRestoresTheLastPublished(string config, int cycle)
    {
        PublishedSnapshot state = StateFiles.ReadPublished(_fx.State, "data")!;
        string published = state.Snapshot.Name;
        string target = Directory.CreateDirectory(Path.Combine(_fx.Mount, $"restored-{cycle}")).FullName;
        string[] decrypt = state.Encryption == ChunkEncoding.Age ? ["--identity", _identity] : ["--allow-unencrypted"];
        (int code, string output) = ToolRun.Run(
            UploaderTool,
            ["restore", "--config", config, "--subvolume", "data", "--target", target, .. decrypt]
        );
        Assert.AreEqual(ExitCodes.Ok, code, output);
        SendStreams.AssertSameTree(Path.Combine(_fx.Snapshots, published), Path.Combine(target, published));
        foreach (string received in Directory.GetDirectories(target))
        {
            Shell.Run("btrfs", "subvolume", "delete", received);
        }
    }
}
