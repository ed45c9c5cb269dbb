using Amazon.S3.Model;
using BtrfsToS3.Shared.Cli;
using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.Format;
using BtrfsToS3.Shared.IO;
using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Shared.Spool;
using BtrfsToS3.Tests.Infrastructure;

namespace BtrfsToS3.Tests.Uploader.Commands;

/// <summary>The uploader as a real process, against the local Ceph RGW, on spools the real spooler wrote on real
/// btrfs.</summary>
[TestClass]
public sealed class RunCommandTests : BtrfsAndS3Test
{
    [TestMethod]
    public void Run_FullThenIncremental_PublishesAndADownloadReceivesTheSubvolume()
    {
        string config = Config();
        Spool(config);

        (int code, string output) = ToolRun.Run(UploaderTool, "--config", config);

        Assert.AreEqual(ExitCodes.Ok, code, output);
        Assert.IsEmpty(Directory.GetDirectories(_fx.Spool), "the spool was not drained");
        File.AppendAllText(Path.Combine(_fx.Subvolume("data"), "docs/doc1.txt"), "changed\n");
        File.WriteAllBytes(
            Path.Combine(_fx.Subvolume("data"), "new.bin"),
            System.Security.Cryptography.RandomNumberGenerator.GetBytes(3_000_000)
        );
        Spool(config);
        (code, output) = ToolRun.Run(UploaderTool, "--config", config);
        Assert.AreEqual(ExitCodes.Ok, code, output);

        Pointer pointer = Published.ReadPointer(_s3, "data")!;
        Assert.HasCount(1, pointer.Generations);
        Assert.HasCount(2, pointer.Generations[0].Manifests);
        Published.AssertPointerNamesOnlyCompleteStreams(_s3, "data");
        string restored = Path.Combine(_fx.Mount, "restored");
        Directory.CreateDirectory(restored);
        Manifest? last = null;
        foreach (string key in pointer.Generations[0].Manifests)
        {
            last = Published.ReadManifest(_s3, key);
            SendStreams.Receive(_fx, Published.DownloadStream(_s3, last, _fx.Dir), restored);
        }

        SendStreams.AssertSameTree(_fx.Subvolume("data"), Path.Combine(restored, last!.Snapshot.Name));
        StringAssert.Contains(File.ReadAllText(Path.Combine(_fx.State, "data.published.json")), last.Snapshot.Uuid);
        string stats = File.ReadAllText(Path.Combine(_fx.State, "stats.jsonl"));
        StringAssert.Contains(stats, "\"type\":\"chunk\"");
        StringAssert.Contains(stats, "\"type\":\"run\"");
        StringAssert.Contains(stats, $"\"written_by\":\"{BuildInfo.WrittenBy}\"");
        Assert.AreEqual(BuildInfo.WrittenBy, last.WrittenBy);
    }

    [TestMethod]
    public void Status_JsonAndMaxAge_DescribeGenerationsSpoolLastRunAndStaleness()
    {
        string config = Config(subvolumes: ["data", "home"]);
        Spool(config);
        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(UploaderTool, "--config", config).Code);
        File.WriteAllText(Path.Combine(_fx.Subvolume("home"), "new.txt"), "new\n");
        Spool(config);
        using ToolRun status = ToolRun.Start(
            UploaderTool,
            new Dictionary<string, string>(),
            "status",
            "--json",
            "--config",
            config
        );
        Assert.AreEqual(ExitCodes.Ok, status.WaitForExit(TimeSpan.FromMinutes(1)), status.Output);

        using var json = System.Text.Json.JsonDocument.Parse(status.StandardOutput);
        System.Text.Json.JsonElement root = json.RootElement;
        Assert.AreEqual(FormatJson.Version, root.GetProperty("format_version").GetInt32());
        Assert.AreEqual(_s3.Bucket, root.GetProperty("bucket").GetString());
        Assert.AreEqual(BuildInfo.Version, root.GetProperty("written_by").GetProperty("version").GetString());
        StringAssert.StartsWith(root.GetProperty("written_by").GetProperty("aws_sdk").GetString(), "AWSSDK.S3 ");
        Assert.AreEqual(ByteSize.GiB, root.GetProperty("spool_quota").GetInt64());
        Assert.AreEqual(0, root.GetProperty("last_run").GetProperty("exit_code").GetInt32());
        System.Text.Json.JsonElement data = root.GetProperty("subvolumes")[0];
        Assert.AreEqual("data", data.GetProperty("subvolume").GetString());
        Assert.AreEqual(1, data.GetProperty("chain_length").GetInt32());
        Assert.IsGreaterThan(8_000_000, data.GetProperty("last_full").GetProperty("bytes").GetInt64());
        Assert.AreEqual(System.Text.Json.JsonValueKind.Null, data.GetProperty("last_incremental").ValueKind);
        DateTimeOffset nextFull = data.GetProperty("next_full_due").GetDateTimeOffset();
        Assert.IsGreaterThan(DateTimeOffset.UtcNow.AddDays(181), nextFull);
        System.Text.Json.JsonElement home = root.GetProperty("subvolumes")[1];
        Assert.AreEqual(1, home.GetProperty("spool").GetArrayLength());
        Assert.IsTrue(home.GetProperty("spool")[0].GetProperty("sealed").GetBoolean());

        // The stale check for cron: silent and 0 while every subvolume is fresh, one line each and 1 once any is not.
        using ToolRun fresh = ToolRun.Start(UploaderTool, "status", "--max-age", "9d", "--config", config);
        Assert.AreEqual(ExitCodes.Ok, fresh.WaitForExit(TimeSpan.FromMinutes(1)), fresh.Output);
        Assert.AreEqual(string.Empty, fresh.StandardOutput);
        using ToolRun stale = ToolRun.Start(UploaderTool, "status", "--max-age", "1s", "--config", config);
        Assert.AreEqual(ExitCodes.Stale, stale.WaitForExit(TimeSpan.FromMinutes(1)), stale.Output);
        string[] lines = stale.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.HasCount(2, lines, stale.StandardOutput);
        StringAssert.StartsWith(lines[0], "data: stale: last published ");
        StringAssert.StartsWith(lines[1], "home: stale: last published ");
    }

    [TestMethod]
    public void Run_MetricsFileConfigured_WritesNodeExporterTextfileReadableByAll()
    {
        string metrics = Path.Combine(_fx.Dir, "btrfs_to_s3.prom");
        string config = Config(
            extra: $"[uploader]\nlinger = 0s\n[state]\nmetrics_file = {metrics}",
            subvolumes: ["data"]
        );
        Spool(config);

        (int code, string output) = ToolRun.Run(UploaderTool, "--config", config);

        Assert.AreEqual(ExitCodes.Ok, code, output);
        string[] lines = File.ReadAllLines(metrics);
        Assert.Contains("btrfs_to_s3_run_exit_code 0", lines);
        Assert.IsTrue(
            lines.Any(l =>
                l.StartsWith("btrfs_to_s3_published_timestamp_seconds{subvolume=\"data\"} ", StringComparison.Ordinal)
            ),
            string.Join('\n', lines)
        );
        Assert.Contains("btrfs_to_s3_chain_position{subvolume=\"data\"} 0", lines);
        long success = long.Parse(
            lines
                .Single(l => l.StartsWith("btrfs_to_s3_last_success_timestamp_seconds ", StringComparison.Ordinal))
                .Split(' ')[1],
            System.Globalization.CultureInfo.InvariantCulture
        );
        Assert.IsLessThan(120, Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - success));
        Assert.IsTrue(
            lines.Where(l => !l.StartsWith('#')).All(l => l.Split(' ').Length == 2),
            string.Join('\n', lines)
        );
        Assert.AreEqual(UnixFileMode.OtherRead, File.GetUnixFileMode(metrics) & UnixFileMode.OtherRead);
        Assert.AreEqual(
            GroupShared.FileMode,
            File.GetUnixFileMode(Path.Combine(_fx.State, "data.published.json")),
            "the state is the group's, never others'"
        );
    }

    [TestMethod]
    public void Run_EveryObject_IsSentWithItsStorageClassAndSseS3()
    {
        using var proxy = new TcpProxy(new Uri(_s3.Endpoint));
        string config = Config(proxy.Endpoint);
        Spool(config);

        (int code, string output) = ToolRun.Run(UploaderTool, "--config", config);

        Assert.AreEqual(ExitCodes.Ok, code, output);
        string[] creating =
        [
            .. proxy.Requests.Where(r =>
                r.StartsWith("PUT ", StringComparison.Ordinal) && !r.Contains("partNumber=", StringComparison.Ordinal)
                || (r.StartsWith("POST ", StringComparison.Ordinal) && r.Contains("?uploads", StringComparison.Ordinal))
            ),
        ];
        Assert.IsNotEmpty(creating);
        foreach (string request in creating)
        {
            StringAssert.Contains(
                request,
                "x-amz-server-side-encryption: AES256",
                StringComparison.OrdinalIgnoreCase,
                request
            );
            // Manifests, pointers and catalogs are read without a thaw; chunks are the bulk.
            bool metadata =
                request.Contains("/manifest.json", StringComparison.Ordinal)
                || request.Contains("/pointer.json", StringComparison.Ordinal)
                || request.Contains("/catalog ", StringComparison.Ordinal);
            StringAssert.Contains(
                request,
                $"x-amz-storage-class: {(metadata ? "STANDARD" : "DEEP_ARCHIVE")}",
                StringComparison.OrdinalIgnoreCase,
                request
            );
        }

        Assert.IsTrue(
            creating.Any(r => r.Contains("?uploads", StringComparison.Ordinal)),
            "no chunk went as a multipart upload"
        );
        foreach (S3Object item in _s3.List("backup/data/"))
        {
            GetObjectMetadataResponse head = _s3
                .Client.GetObjectMetadataAsync(_s3.Bucket, item.Key)
                .GetAwaiter()
                .GetResult();
            bool chunk = item.Key.Contains("/chunk-", StringComparison.Ordinal);
            Assert.AreEqual(chunk ? "DEEP_ARCHIVE" : "STANDARD", head.StorageClass?.Value ?? "STANDARD", item.Key);
            if (chunk || item.Key.EndsWith("/catalog", StringComparison.Ordinal))
            {
                Assert.AreEqual(64, head.Metadata["sha256"].Length, item.Key);
            }
        }
    }

    [TestMethod]
    public void Run_ChunkFlippedOnDisk_IsRefusedByS3KeptHeldAndNeverPublished()
    {
        string config = Config();
        Spool(config);
        string streamDir = Directory.GetDirectories(_fx.Spool, "data.*").Single();
        string victim = Path.Combine(streamDir, "chunk-000001");
        using (var file = new FileStream(victim, FileMode.Open, FileAccess.ReadWrite))
        {
            file.Position = 12345;
            int b = file.ReadByte();
            file.Position = 12345;
            file.WriteByte((byte)(b ^ 0x01));
        }

        (int code, string output) = ToolRun.Run(UploaderTool, "--config", config);

        Assert.AreEqual(ExitCodes.DataError, code, output);
        StringAssert.Contains(output, $"chunk {victim}: S3 refused part 1 of 1");
        Assert.AreEqual(
            1,
            output
                .Split('\n')
                .Count(l =>
                    l.Contains("chunk-000001", StringComparison.Ordinal)
                    && l.Contains("fail:", StringComparison.Ordinal)
                ),
            output
        );
        Assert.IsTrue(File.Exists(victim), "the damaged chunk left the spool");
        Assert.IsTrue(File.Exists(Path.Combine(streamDir, "held.json")));
        Assert.IsNull(Published.ReadPointer(_s3, "data"));
        Assert.IsFalse(
            _s3.List("backup/data/")
                .Any(o =>
                    o.Key.EndsWith("manifest.json", StringComparison.Ordinal)
                    || o.Key.EndsWith("chunk-000001", StringComparison.Ordinal)
                )
        );
        Assert.IsNotNull(Published.ReadPointer(_s3, "home"), "the other subvolumes were not published");
    }

    [TestMethod]
    public void Run_S3Unreachable_Exits75AndLeavesTheSpoolUntouched()
    {
        string config = Config("http://127.0.0.1:9", extra: "[uploader]\ngive_up_after = 3s\nlinger = 0s");
        Spool(config);
        string before = _fx.SpoolListing();

        (int code, string output) = ToolRun.Run(UploaderTool, "--config", config);

        Assert.AreEqual(ExitCodes.TryAgainLater, code, output);
        StringAssert.Contains(output, "S3 unreachable for");
        StringAssert.Contains(output, "the spool is intact");
        Assert.AreEqual(before, _fx.SpoolListing());
    }

    [TestMethod]
    public void Run_OutageMidUpload_IsWaitedOutAndTheRunCompletes()
    {
        using var proxy = new TcpProxy(new Uri(_s3.Endpoint)) { UpstreamBytesPerSecond = 2_000_000 };
        string config = Config(proxy.Endpoint, "[uploader]\ngive_up_after = 2m\nlinger = 0s", subvolumes: ["data"]);
        Spool(config);
        using ToolRun run = ToolRun.Start(UploaderTool, "--config", config);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (_s3.MultipartUploads().Count == 0)
        {
            Assert.IsLessThan(60, clock.Elapsed.TotalSeconds, run.Output);
            Thread.Sleep(100);
        }

        proxy.Cut();
        Thread.Sleep(TimeSpan.FromSeconds(5));
        proxy.UpstreamBytesPerSecond = 0;
        proxy.Restore();

        Assert.AreEqual(ExitCodes.Ok, run.WaitForExit(TimeSpan.FromMinutes(3)), run.Output);
        StringAssert.Contains(run.Output, "retrying in");
        Published.AssertPointerNamesOnlyCompleteStreams(_s3, "data");
        Assert.IsNotNull(Published.ReadPointer(_s3, "data"));
        Assert.IsEmpty(_s3.MultipartUploads());
    }

    [TestMethod]
    public void Run_ConnectionsStallMidUpload_TimeOutAndTheRunCompletes()
    {
        using var proxy = new TcpProxy(new Uri(_s3.Endpoint)) { UpstreamBytesPerSecond = 4_000_000 };
        string config = Config(proxy.Endpoint, "[uploader]\ngive_up_after = 2m\nlinger = 0s", subvolumes: ["data"]);
        Spool(config);
        using ToolRun run = ToolRun.Start(UploaderTool, "--config", config, "--s3.request_timeout", "5s");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (_s3.MultipartUploads().Count == 0)
        {
            Assert.IsLessThan(60, clock.Elapsed.TotalSeconds, run.Output);
            Thread.Sleep(100);
        }

        // Nothing moves and nothing is reset: only the request timeout can end these requests.
        proxy.Stalled = true;
        Thread.Sleep(TimeSpan.FromSeconds(12));
        proxy.UpstreamBytesPerSecond = 0;
        proxy.Stalled = false;

        Assert.AreEqual(ExitCodes.Ok, run.WaitForExit(TimeSpan.FromMinutes(3)), run.Output);
        // The SDK's own retries, after the timeout, sent a stalled request (a part or a whole small chunk, whichever
        // was in flight) again on a new connection: the same PUT line twice.
        string[] puts =
        [
            .. proxy
                .Requests.Select(r => r.Split("\r\n")[0])
                .Where(l => l.StartsWith("PUT ", StringComparison.Ordinal)),
        ];
        Assert.IsTrue(
            puts.GroupBy(l => l).Any(g => g.Count() >= 2),
            string.Join('\n', proxy.Requests.Select(r => r.Split("\r\n")[0]))
        );
        Published.AssertPointerNamesOnlyCompleteStreams(_s3, "data");
        Assert.IsNotNull(Published.ReadPointer(_s3, "data"));
        Assert.IsEmpty(_s3.MultipartUploads());
    }

    [TestMethod]
    public void Check_LocalBucket_ReportsSettingsAndReadWriteDelete()
    {
        string config = Config();

        (int code, string output) = ToolRun.Run(UploaderTool, "check", "--config", config);

        Assert.AreEqual(ExitCodes.Ok, code, output);
        StringAssert.Contains(output, $"bucket                  {_s3.Bucket}");
        StringAssert.Contains(output, "write under prefix      ok");
        StringAssert.Contains(output, "read under prefix       ok");
        StringAssert.Contains(output, "delete under prefix     ok");
        StringAssert.Contains(output, "abort incomplete MPU    MISSING");
        Assert.DoesNotContain(Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY")!, output);
        Assert.IsEmpty(_s3.List());
    }

    [TestMethod]
    public void Run_WrongCredentials_Exits78WithAClearLine()
    {
        string config = Config();
        Spool(config);
        using ToolRun run = ToolRun.Start(
            UploaderTool,
            new Dictionary<string, string> { ["AWS_SECRET_ACCESS_KEY"] = "not-the-secret" },
            "--config",
            config
        );

        Assert.AreEqual(ExitCodes.Config, run.WaitForExit(TimeSpan.FromMinutes(1)), run.Output);
        StringAssert.Contains(run.Output, "S3 rejected the credentials (SignatureDoesNotMatch)");
        Assert.DoesNotContain("not-the-secret", run.Output);
    }

    [TestMethod]
    public void Run_SecondUploader_Exits75()
    {
        string config = Config();
        using var held = BtrfsToS3.Shared.IO.FileLock.Acquire(
            Path.Combine(_fx.Spool, SpoolLayout.UploaderLock),
            "test"
        );

        (int code, string output) = ToolRun.Run(UploaderTool, "--config", config);

        Assert.AreEqual(ExitCodes.TryAgainLater, code, output);
        StringAssert.Contains(output, "another uploader is running");
    }

    [TestMethod]
    public void Run_AnotherManifestAtTheKey_IsNeverOverwritten()
    {
        string config = Config(subvolumes: ["data"]);
        Spool(config);
        Seal seal = SendStreams.ReadSeal(Directory.GetDirectories(_fx.Spool, "data.*").Single());
        string key = ObjectKeys.Manifest("backup/", "data", seal.Generation, seal.Stream);
        _s3.Client.PutObjectAsync(
                new PutObjectRequest
                {
                    BucketName = _s3.Bucket,
                    Key = key,
                    ContentBody = "{\"format_version\": 2}",
                }
            )
            .GetAwaiter()
            .GetResult();

        (int code, string output) = ToolRun.Run(UploaderTool, "--config", config);

        Assert.AreEqual(ExitCodes.DataError, code, output);
        Assert.AreEqual("{\"format_version\": 2}", System.Text.Encoding.UTF8.GetString(_s3.Get(key)));
        Assert.IsNull(Published.ReadPointer(_s3, "data"));
        Assert.IsTrue(Directory.Exists(Path.Combine(_fx.Spool, seal.Stream)));
    }

    [TestMethod]
    public void Run_WhileTheSpoolerRuns_FollowsItUntilTheSpoolIsEmpty()
    {
        // A spool that holds three chunks of a stream of about nine: the spooler can only finish if the uploader
        // drains.
        string config = Config(
            subvolumes: ["data"],
            chunkSize: ByteSize.MiB,
            quota: 3 * ByteSize.MiB + 64 * ByteSize.KiB
        );
        using ToolRun spooler = ToolRun.Start(Spooler, "--config", config);
        spooler.WaitForOutput("pausing until", TimeSpan.FromSeconds(60));
        using ToolRun uploader = ToolRun.Start(UploaderTool, "--config", config);

        Assert.AreEqual(ExitCodes.Ok, spooler.WaitForExit(TimeSpan.FromMinutes(2)), spooler.Output);
        Assert.AreEqual(ExitCodes.Ok, uploader.WaitForExit(TimeSpan.FromMinutes(2)), uploader.Output);

        StringAssert.Contains(spooler.Output, "resuming");
        Assert.IsEmpty(Directory.GetDirectories(_fx.Spool));
        Published.AssertPointerNamesOnlyCompleteStreams(_s3, "data");
        Assert.HasCount(1, Published.ReadPointer(_s3, "data")!.Generations[0].Manifests);
    }

    private static void Spool(string config)
    {
        (int code, string output) = ToolRun.Run(Spooler, "--config", config);
        Assert.AreEqual(ExitCodes.Ok, code, output);
    }

    private string Config(
        string? endpoint = null,
        string extra = "[uploader]\nlinger = 0s",
        string[]? subvolumes = null,
        long chunkSize = 7 * ByteSize.MiB,
        long quota = ByteSize.GiB
    ) => _fx.WriteConfig(chunkSize, quota, subvolumes, _s3.ConfigSection(endpoint ?? _s3.Endpoint) + "\n" + extra);
}
