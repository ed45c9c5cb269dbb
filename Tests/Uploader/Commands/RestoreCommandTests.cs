using Amazon.S3.Model;
using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Tests.Infrastructure;

namespace BtrfsToS3.Tests.Uploader.Commands;

/// <summary>The restore command against chains the real spooler and uploader published to the local RGW.</summary>
[TestClass]
public sealed class RestoreCommandTests : BtrfsAndS3Test
{
    private string _config = null!;
    private readonly List<string> _snapshots = [];

    [TestInitialize]
    public void BackUpThreeTimes()
    {
        _config = _fx.WriteConfig(
            4 * ByteSize.MiB,
            ByteSize.GiB,
            ["data"],
            _s3.ConfigSection(_s3.Endpoint) + "\n[uploader]\nlinger = 0s"
        );
        Backup();
        File.AppendAllText(Path.Combine(_fx.Subvolume("data"), "docs/doc1.txt"), "second\n");
        File.Move(
            Path.Combine(_fx.Subvolume("data"), "docs/doc7.txt"),
            Path.Combine(_fx.Subvolume("data"), "docs/doc7 renamed.txt")
        );
        Backup();
        File.WriteAllBytes(
            Path.Combine(_fx.Subvolume("data"), "third.bin"),
            System.Security.Cryptography.RandomNumberGenerator.GetBytes(2_000_000)
        );
        File.Delete(Path.Combine(_fx.Subvolume("data"), "docs/doc8.txt"));
        Backup();
    }

    [TestMethod]
    public void Restore_FullAndTwoIncrementals_ReceivesTheChainIdenticalToTheSnapshots()
    {
        string target = Target();

        (int code, string output) = ToolRun.Run(
            UploaderTool,
            "restore",
            "--config",
            _config,
            "--subvolume",
            "data",
            "--target",
            target
        );

        Assert.AreEqual(ExitCodes.Ok, code, output);
        foreach (string snapshot in _snapshots)
        {
            SendStreams.AssertSameTree(Path.Combine(_fx.Snapshots, snapshot), Path.Combine(target, snapshot));
        }

        SendStreams.AssertSameTree(_fx.Subvolume("data"), Path.Combine(target, _snapshots[^1]));
        Assert.IsEmpty(
            Directory.GetFileSystemEntries(Path.Combine(_fx.Spool, "restore")),
            "downloaded chunks were left in the spool"
        );
    }

    [TestMethod]
    public void Restore_Until_StopsAtAnEarlierPointOfTheChain()
    {
        string target = Target();

        (int code, string output) = ToolRun.Run(
            UploaderTool,
            "restore",
            "--config",
            _config,
            "--subvolume",
            "data",
            "--target",
            target,
            "--until",
            _snapshots[1]
        );

        Assert.AreEqual(ExitCodes.Ok, code, output);
        CollectionAssert.AreEquivalent(
            _snapshots.Take(2).Append("data").ToArray(),
            Directory.GetDirectories(target).Select(Path.GetFileName).ToArray()
        );
        SendStreams.AssertSameTree(Path.Combine(_fx.Snapshots, _snapshots[1]), Path.Combine(target, _snapshots[1]));
        SendStreams.AssertSameTree(Path.Combine(_fx.Snapshots, _snapshots[1]), Path.Combine(target, "data"));
    }

    [TestMethod]
    public void Restore_ChunkCorruptedInS3_Exits65AndLeavesNothingHalfReceived()
    {
        Manifest full = Published.ReadManifest(_s3, Published.ReadPointer(_s3, "data")!.Generations[0].Manifests[0]);
        ManifestChunk victim = full.Chunks[1];
        byte[] bytes = _s3.Get(victim.Key);
        bytes[1000] ^= 0x40;
        _s3.Client.PutObjectAsync(
                new PutObjectRequest
                {
                    BucketName = _s3.Bucket,
                    Key = victim.Key,
                    InputStream = new MemoryStream(bytes),
                }
            )
            .GetAwaiter()
            .GetResult();
        string target = Target();

        (int code, string output) = ToolRun.Run(
            UploaderTool,
            "restore",
            "--config",
            _config,
            "--subvolume",
            "data",
            "--target",
            target
        );

        Assert.AreEqual(ExitCodes.DataError, code, output);
        StringAssert.Contains(output, $"{victim.Key}: SHA-256");
        StringAssert.Contains(output, "the copy in S3 is damaged and nothing of it was received");
        Assert.IsEmpty(Directory.GetDirectories(target), "a half-received subvolume was left");
    }

    [TestMethod]
    public void Restore_KilledMidChain_RerunSkipsWhatIsReceivedAndFinishes()
    {
        string config = _config;
        string target = Target();
        string area = Path.Combine(_fx.Spool, "restore");
        using (
            ToolRun first = ToolRun.Start(
                UploaderTool,
                "restore",
                "--config",
                config,
                "--subvolume",
                "data",
                "--target",
                target
            )
        )
        {
            first.WaitForOutput("received", TimeSpan.FromMinutes(1));
            first.KillHard();
        }

        (int code, string output) = ToolRun.Run(
            UploaderTool,
            "restore",
            "--config",
            config,
            "--subvolume",
            "data",
            "--target",
            target
        );

        Assert.AreEqual(ExitCodes.Ok, code, output);
        StringAssert.Contains(output, $"stream {_snapshots[0]}: already received in the target");
        SendStreams.AssertSameTree(_fx.Subvolume("data"), Path.Combine(target, _snapshots[^1]));
        Assert.IsFalse(
            Directory.Exists(area) && Directory.EnumerateFiles(area, "*", SearchOption.AllDirectories).Any()
        );
    }

    [TestMethod]
    public void Restore_KilledDuringDownload_RerunKeepsVerifiedChunksAndTheHalfReceivedIsReplaced()
    {
        using var proxy = new TcpProxy(new Uri(_s3.Endpoint)) { DownstreamBytesPerSecond = 2_000_000 };
        string config = _config.Replace(".ini", "-proxy.ini", StringComparison.Ordinal);
        File.WriteAllText(
            config,
            File.ReadAllText(_config)
                .Replace($"endpoint = {_s3.Endpoint}", $"endpoint = {proxy.Endpoint}", StringComparison.Ordinal)
        );
        string target = Target();
        string area = Path.Combine(_fx.Spool, "restore", _snapshots[0]);
        using (
            ToolRun first = ToolRun.Start(
                UploaderTool,
                "restore",
                "--config",
                config,
                "--subvolume",
                "data",
                "--target",
                target
            )
        )
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (
                !(
                    Directory.Exists(area)
                    && Directory.GetFiles(area, "chunk-??????").Length > 0
                    && Directory.Exists(Path.Combine(target, _snapshots[0]))
                )
            )
            {
                Assert.IsLessThan(60, clock.Elapsed.TotalSeconds, first.Output);
                Thread.Sleep(20);
            }

            first.KillHard();
        }

        string[] kept = [.. Directory.GetFiles(area, "chunk-??????").Select(Path.GetFileName).OfType<string>()];
        proxy.DownstreamBytesPerSecond = 0;

        (int code, string output) = ToolRun.Run(
            UploaderTool,
            "restore",
            "--config",
            config,
            "--subvolume",
            "data",
            "--target",
            target
        );

        Assert.AreEqual(ExitCodes.Ok, code, output);
        StringAssert.Contains(output, "the failed receive left this subvolume; it deleted");
        foreach (string chunk in kept)
        {
            StringAssert.Contains(output, $"{chunk}: already downloaded and verified");
        }

        SendStreams.AssertSameTree(_fx.Subvolume("data"), Path.Combine(target, _snapshots[^1]));
    }

    [TestMethod]
    public void Restore_ChunksLargerThanAPart_ComeDownAsParallelRangedGets()
    {
        File.WriteAllBytes(
            Path.Combine(_fx.Subvolume("home"), "big.bin"),
            System.Security.Cryptography.RandomNumberGenerator.GetBytes(12_000_000)
        );
        using var proxy = new TcpProxy(new Uri(_s3.Endpoint));
        string config = _fx.WriteConfig(
            7 * ByteSize.MiB,
            ByteSize.GiB,
            ["home"],
            _s3.ConfigSection(proxy.Endpoint) + "\n[uploader]\nlinger = 0s"
        );
        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(Spooler, "--config", config).Code);
        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(UploaderTool, "--config", config).Code);
        string target = Target();

        (int code, string output) = ToolRun.Run(
            UploaderTool,
            "restore",
            "--config",
            config,
            "--subvolume",
            "home",
            "--target",
            target
        );

        Assert.AreEqual(ExitCodes.Ok, code, output);
        string[] ranged =
        [
            .. proxy.Requests.Where(r =>
                r.StartsWith("GET ", StringComparison.Ordinal)
                && r.Contains("Range: bytes=", StringComparison.OrdinalIgnoreCase)
            ),
        ];
        Assert.IsGreaterThanOrEqualTo(
            2,
            ranged.Length,
            string.Join("\n---\n", proxy.Requests.Where(r => r.StartsWith("GET ", StringComparison.Ordinal)))
        );
        SendStreams.AssertSameTree(_fx.Subvolume("home"), Path.Combine(target, "home"));
    }

    [TestMethod]
    public void Restore_ReceiveFails_Exits69WithBtrfsReasonInTheLog()
    {
        using var notBtrfs = new TempDirectory("not-btrfs");

        (int code, string output) = ToolRun.Run(
            UploaderTool,
            "restore",
            "--config",
            _config,
            "--subvolume",
            "data",
            "--target",
            notBtrfs.Path
        );

        Assert.AreEqual(ExitCodes.Unavailable, code, output);
        StringAssert.Contains(output, $"stream {_snapshots[0]}: btrfs receive --chroot {notBtrfs.Path} exited");
        StringAssert.Contains(output, "btrfs: ERROR");
        Assert.IsEmpty(Directory.GetFileSystemEntries(notBtrfs.Path));
    }

    [TestMethod]
    public void Restore_Dump_ReadsAGoodChainAndRejectsABrokenOne()
    {
        (int code, string output) = ToolRun.Run(
            UploaderTool,
            "restore",
            "--config",
            _config,
            "--subvolume",
            "data",
            "--dump"
        );

        Assert.AreEqual(ExitCodes.Ok, code, output);
        Assert.AreEqual(
            3,
            output.Split('\n').Count(l => l.Contains("btrfs receive --dump read it whole", StringComparison.Ordinal)),
            output
        );

        Pointer pointer = Published.ReadPointer(_s3, "data")!;
        _s3.Client.DeleteObjectAsync(_s3.Bucket, pointer.Generations[0].Manifests[1]).GetAwaiter().GetResult();
        (code, output) = ToolRun.Run(UploaderTool, "restore", "--config", _config, "--subvolume", "data", "--dump");

        Assert.AreEqual(ExitCodes.DataError, code, output);
        StringAssert.Contains(output, "but there is no such manifest");
    }

    [TestMethod]
    public void Verify_GoodThenDamagedObjects_ReportsEachProblemWithoutDownloading()
    {
        using var proxy = new TcpProxy(new Uri(_s3.Endpoint));
        string config = _config.Replace(".ini", "-proxy.ini", StringComparison.Ordinal);
        File.WriteAllText(
            config,
            File.ReadAllText(_config)
                .Replace($"endpoint = {_s3.Endpoint}", $"endpoint = {proxy.Endpoint}", StringComparison.Ordinal)
        );

        using (
            ToolRun good = ToolRun.Start(UploaderTool, new Dictionary<string, string>(), "verify", "--config", config)
        )
        {
            Assert.AreEqual(ExitCodes.Ok, good.WaitForExit(TimeSpan.FromMinutes(1)), good.Output);
            StringAssert.Contains(good.StandardOutput, ", 0 problems");
        }

        Assert.IsFalse(
            proxy.Requests.Any(r =>
                r.StartsWith("GET ", StringComparison.Ordinal) && r.Contains("/chunk-", StringComparison.Ordinal)
            ),
            "verify downloaded a chunk"
        );
        Manifest last = Published.ReadManifest(_s3, Published.ReadPointer(_s3, "data")!.Generations[0].Manifests[^1]);
        _s3.Client.DeleteObjectAsync(_s3.Bucket, last.Chunks[0].Key).GetAwaiter().GetResult();
        using ToolRun bad = ToolRun.Start(UploaderTool, new Dictionary<string, string>(), "verify", "--config", config);

        Assert.AreEqual(ExitCodes.DataError, bad.WaitForExit(TimeSpan.FromMinutes(1)), bad.Output);
        StringAssert.Contains(bad.StandardOutput, $"BAD {last.Chunks[0].Key}: missing");
        StringAssert.Contains(bad.StandardOutput, ", 1 problems");
    }

    private void Backup()
    {
        Thread.Sleep(1100);
        (int code, string output) = ToolRun.Run(Spooler, "--config", _config, "--snapshots.retention", "keep_last:3");
        Assert.AreEqual(ExitCodes.Ok, code, output);
        _snapshots.Add(Path.GetFileName(Directory.GetDirectories(_fx.Spool, "data.*").Single()));
        (code, output) = ToolRun.Run(UploaderTool, "--config", _config);
        Assert.AreEqual(ExitCodes.Ok, code, output);
    }

    private string Target() =>
        Directory.CreateDirectory(Path.Combine(_fx.Mount, "restored-" + Guid.NewGuid().ToString("N")[..6])).FullName;
}
