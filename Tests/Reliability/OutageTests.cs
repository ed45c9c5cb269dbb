using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Tests.Infrastructure;

namespace BtrfsToS3.Tests.Reliability;

/// <summary>
/// An S3 outage during the work that follows an upload (retention after a publish, <c>prune</c>, <c>verify</c>): every
/// request goes through the outage handling, so it is retried and, past give_up_after, ends with exit 75 and the bucket
/// consistent, never with exit 70. The link is cut by a proxy in front of the real server.
/// </summary>
[TestClass]
public sealed class OutageTests : BtrfsAndS3Test
{
    protected override int DataMiB => 2;

    [TestMethod]
    public void Run_OutageDuringRetention_Exits75AndPruneFinishesTheDeletion()
    {
        using var proxy = new TcpProxy(new Uri(_s3.Endpoint));
        string config = Config("min_age_days = 0");
        BackUpAChange(config);
        string oldGeneration = Published.ReadPointer(_s3, "data")!.CurrentGeneration;
        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(Spooler, "--config", config, "--full").Code);
        // Retention deletes the old generation's objects only after the pointer no longer names it.
        proxy.CutAtRequest = request =>
            request.StartsWith("POST ", StringComparison.Ordinal)
            && request.Contains("?delete", StringComparison.Ordinal);

        (int code, string output) = ToolRun.Run(UploaderTool, "--config", config, "--s3.endpoint", proxy.Endpoint);

        Assert.AreEqual(ExitCodes.TryAgainLater, code, output);
        StringAssert.Contains(output, "retrying in");
        StringAssert.Contains(output, "S3 unreachable for");
        Assert.HasCount(1, Published.ReadPointer(_s3, "data")!.Generations);
        Assert.IsNotEmpty(_s3.List($"backup/data/{oldGeneration}/"), "the cut came before any deletion");
        Published.AssertPointerNamesOnlyCompleteStreams(_s3, "data");

        (code, output) = ToolRun.Run(UploaderTool, "prune", "--config", config);

        Assert.AreEqual(ExitCodes.Ok, code, output);
        Assert.IsEmpty(_s3.List($"backup/data/{oldGeneration}/"));
        Published.AssertNoUnnamedGeneration(_s3, "data");
    }

    [TestMethod]
    public void Prune_OutagePastGiveUpAfter_IsRetriedThenExits75AndDeletesNothing()
    {
        string config = Config("min_age_days = 180");
        BackUpAChange(config);
        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(Spooler, "--config", config, "--full").Code);
        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(UploaderTool, "--config", config).Code);
        int objects = _s3.List().Count;
        using var proxy = new TcpProxy(new Uri(_s3.Endpoint));
        proxy.Cut();

        (int code, string output) = ToolRun.Run(
            UploaderTool,
            "prune",
            "--config",
            config,
            "--s3.endpoint",
            proxy.Endpoint,
            "--retention.min_age_days",
            "0"
        );

        Assert.AreEqual(ExitCodes.TryAgainLater, code, output);
        StringAssert.Contains(output, "retrying in");
        StringAssert.Contains(output, "S3 unreachable for");
        Assert.HasCount(objects, _s3.List());
        Assert.HasCount(2, Published.ReadPointer(_s3, "data")!.Generations);
    }

    [TestMethod]
    public void Verify_OutageMidway_IsRetriedThenExits75()
    {
        string config = Config("min_age_days = 0");
        BackUpAChange(config);
        using var proxy = new TcpProxy(new Uri(_s3.Endpoint));
        // verify reads the pointer and the manifest, then HEADs each chunk: the link drops at the first HEAD.
        proxy.CutAtRequest = request => request.StartsWith("HEAD ", StringComparison.Ordinal);

        (int code, string output) = ToolRun.Run(
            UploaderTool,
            "verify",
            "--config",
            config,
            "--s3.endpoint",
            proxy.Endpoint
        );

        Assert.AreEqual(ExitCodes.TryAgainLater, code, output);
        StringAssert.Contains(output, "retrying in");
        StringAssert.Contains(output, "S3 unreachable for");
    }

    [TestMethod]
    public void Run_OutageAfterLongerThanGiveUpAfterOfUploading_IsWaitedOut()
    {
        // One chunk sent as one slow PUT for longer than give_up_after, then a cut longer than the SDK's own retries:
        // the outage is counted from its first failure, not from the HEAD before the upload, so it is waited out.
        File.WriteAllBytes(
            Path.Combine(_fx.Subvolume("home"), "one.bin"),
            System.Security.Cryptography.RandomNumberGenerator.GetBytes(1_000_000)
        );
        string config = _fx.WriteConfig(
            2 * ByteSize.MiB,
            ByteSize.GiB,
            ["home"],
            _s3.ConfigSection(_s3.Endpoint) + "\n[uploader]\nlinger = 0s\ngive_up_after = 40s"
        );
        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(Spooler, "--config", config).Code);
        using var proxy = new TcpProxy(new Uri(_s3.Endpoint)) { UpstreamBytesPerSecond = 20_000 };
        using ToolRun run = ToolRun.Start(UploaderTool, "--config", config, "--s3.endpoint", proxy.Endpoint);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (
            !proxy.Requests.Any(r =>
                r.StartsWith("PUT ", StringComparison.Ordinal) && r.Contains("/chunk-000000", StringComparison.Ordinal)
            )
        )
        {
            Assert.IsLessThan(60, clock.Elapsed.TotalSeconds, run.Output);
            Thread.Sleep(100);
        }

        Thread.Sleep(TimeSpan.FromSeconds(45));
        proxy.Cut();
        Thread.Sleep(TimeSpan.FromSeconds(25));
        proxy.UpstreamBytesPerSecond = 0;
        proxy.Restore();

        Assert.AreEqual(ExitCodes.Ok, run.WaitForExit(TimeSpan.FromMinutes(3)), run.Output);
        StringAssert.Contains(run.Output, "retrying in");
        Assert.IsNotNull(Published.ReadPointer(_s3, "home"));
    }

    /// <summary>Straight to the server; a run through the proxy overrides [s3] endpoint on its command line.</summary>
    private string Config(string retention) =>
        _fx.WriteConfig(
            ByteSize.MiB,
            ByteSize.GiB,
            ["data"],
            _s3.ConfigSection(_s3.Endpoint)
                + $"\n[uploader]\nlinger = 0s\ngive_up_after = 3s\n[retention]\nkeep_generations = 1\n{retention}"
        );
}
