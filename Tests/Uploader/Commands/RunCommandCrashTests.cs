using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Tests.Infrastructure;

namespace BtrfsToS3.Tests.Uploader.Commands;

/// <summary>The uploader killed at the moments that matter: the pointer never names what is not whole, and a rerun
/// completes.</summary>
[TestClass]
public sealed class RunCommandCrashTests : BtrfsAndS3Test
{
    [TestMethod]
    public void Run_KilledAtEachPublishStep_PointerStaysWholeAndRerunPublishesOnce()
    {
        string config = Config(_s3.Endpoint);
        string[] points =
        [
            "uploader-after-verify",
            "uploader-after-manifest",
            "uploader-after-pointer",
            "uploader-after-state",
        ];
        for (int round = 0; round < points.Length; round++)
        {
            File.WriteAllText(Path.Combine(_fx.Subvolume("data"), $"round{round}.txt"), $"round {round}\n");
            Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(Spooler, "--config", config).Code);
            using (
                ToolRun crashing = ToolRun.Start(
                    UploaderTool,
                    new Dictionary<string, string> { ["BTRFS_TO_S3_CRASH_AT"] = points[round] },
                    "--config",
                    config
                )
            )
            {
                Assert.AreEqual(
                    137,
                    crashing.WaitForExit(TimeSpan.FromMinutes(2)),
                    $"{points[round]}: {crashing.Output}"
                );
            }

            Published.AssertPointerNamesOnlyCompleteStreams(_s3, "data");

            (int code, string output) = ToolRun.Run(UploaderTool, "--config", config);

            Assert.AreEqual(ExitCodes.Ok, code, $"{points[round]}: {output}");
            if (points[round] == "uploader-after-verify")
            {
                StringAssert.Contains(output, "(already in S3)");
            }

            if (points[round] == "uploader-after-manifest")
            {
                StringAssert.Contains(output, "was already written by an earlier run (412 on If-None-Match)");
            }

            Assert.IsEmpty(Directory.GetDirectories(_fx.Spool), $"{points[round]}: the spool was not drained");
            Published.AssertPointerNamesOnlyCompleteStreams(_s3, "data");
            Pointer pointer = Published.ReadPointer(_s3, "data")!;
            Assert.HasCount(
                round + 1,
                pointer.Generations.Single().Manifests,
                $"{points[round]}: a stream is missing or named twice"
            );
        }

        string restored = Path.Combine(_fx.Mount, "restored");
        Directory.CreateDirectory(restored);
        Manifest? last = null;
        foreach (string key in Published.ReadPointer(_s3, "data")!.Generations[0].Manifests)
        {
            last = Published.ReadManifest(_s3, key);
            SendStreams.Receive(_fx, Published.DownloadStream(_s3, last, _fx.Dir), restored);
        }

        SendStreams.AssertSameTree(_fx.Subvolume("data"), Path.Combine(restored, last!.Snapshot.Name));
    }

    [TestMethod]
    public void Run_KilledMidChunk_RerunResumesTheLeftoverUploadAndCompletes()
    {
        using var proxy = new TcpProxy(new Uri(_s3.Endpoint)) { UpstreamBytesPerSecond = 1_000_000 };
        string config = Config(proxy.Endpoint);
        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(Spooler, "--config", config).Code);
        using (ToolRun slow = ToolRun.Start(UploaderTool, "--config", config))
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (_s3.MultipartUploads().Count == 0)
            {
                Assert.IsLessThan(60, clock.Elapsed.TotalSeconds, slow.Output);
                Thread.Sleep(100);
            }

            Thread.Sleep(1000);
            slow.KillHard();
        }

        Assert.IsNotEmpty(_s3.MultipartUploads());
        Published.AssertPointerNamesOnlyCompleteStreams(_s3, "data");
        proxy.UpstreamBytesPerSecond = 0;

        // Even with every upload old enough to abort, the one an upload record names is resumed, not aborted.
        (int code, string output) = ToolRun.Run(
            UploaderTool,
            "--config",
            config,
            "--uploader.abort_uploads_older_than",
            "0s"
        );

        Assert.AreEqual(ExitCodes.Ok, code, output);
        StringAssert.Contains(output, "resuming multipart upload");
        Assert.DoesNotContain("aborted an abandoned multipart upload", output);
        Assert.IsEmpty(_s3.MultipartUploads(), "a multipart upload was left behind");
        Published.AssertPointerNamesOnlyCompleteStreams(_s3, "data");
        Assert.HasCount(1, Published.ReadPointer(_s3, "data")!.Generations.Single().Manifests);
    }

    private string Config(string endpoint) =>
        _fx.WriteConfig(
            7 * ByteSize.MiB,
            ByteSize.GiB,
            ["data"],
            _s3.ConfigSection(endpoint) + "\n[uploader]\nlinger = 0s"
        );
}
