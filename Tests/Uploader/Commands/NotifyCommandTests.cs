using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Tests.Infrastructure;

namespace BtrfsToS3.Tests.Uploader.Commands;

/// <summary>
/// The notifications of the real uploader process, against a local HTTP listener: a run that fails before it needs S3
/// (no bucket), and <c>notify --unit</c> as btrfs-to-s3-notify@.service runs it.
/// </summary>
[TestClass]
public sealed class NotifyCommandTests
{
    private const string UploaderTool = "btrfs-to-s3-uploader";

    private TempDirectory _dir = null!;

    [TestInitialize]
    public void SetUp() => _dir = new TempDirectory("notify");

    [TestCleanup]
    public void TearDown() => _dir.Dispose();

    [TestMethod]
    public void Run_FailsBeforeS3_PingsStartAndFailAndTellsTheCommandTheFailingLine()
    {
        using var listener = new PingListener();
        string told = Path.Combine(_dir.Path, "told");

        using ToolRun run = ToolRun.Start(
            UploaderTool,
            "run",
            "--once",
            "--config",
            Config(listener.Url, $"cat > {told}")
        );

        Assert.AreEqual(ExitCodes.Config, run.WaitForExit(TimeSpan.FromMinutes(1)), run.Output);
        Assert.HasCount(2, listener.Requests, run.Output);
        Assert.AreEqual("/ping/5f3c/start", listener.Requests[0].Path);
        StringAssert.Contains(listener.Requests[0].Body, "started a backup run");
        Assert.AreEqual("/ping/5f3c/fail", listener.Requests[1].Path);
        string summary = listener.Requests[1].Body;
        StringAssert.Contains(summary, "ended a backup run with exit 78 (configuration)");
        StringAssert.Contains(summary, "nothing was uploaded. Failing line: configuration: ");
        StringAssert.Contains(summary, "[s3] bucket: is empty: the uploader needs a bucket");
        Assert.AreEqual(summary + "\n", File.ReadAllText(told));
    }

    [TestMethod]
    public void Run_UnreachableUrlAndFailingCommand_ExitUnchangedAndOneWarningEach()
    {
        using ToolRun run = ToolRun.Start(
            UploaderTool,
            "run",
            "--once",
            "--config",
            Config($"http://127.0.0.1:{PingListener.FreePort()}/x", "exit 5")
        );

        Assert.AreEqual(ExitCodes.Config, run.WaitForExit(TimeSpan.FromMinutes(1)), run.Output);
        string[] warnings = [.. run.Output.Split('\n').Where(l => l.Contains("not told:", StringComparison.Ordinal))];
        Assert.HasCount(3, warnings, run.Output);
        StringAssert.Contains(warnings[0], "notify: 127.0.0.1 (Start) not told: ");
        StringAssert.Contains(warnings[1], "notify: 127.0.0.1 (Fail) not told: ");
        StringAssert.Contains(
            warnings[2],
            "notify: [notify] command (Fail) not told: exited 5; the run's outcome is unchanged"
        );
        StringAssert.Contains(run.Output, "finished (exit 78)");
    }

    [TestMethod]
    public void Notify_SpoolerUnitFailed_PingsFailWithWhatSystemdSaidDespiteAnotherSectionsMistake()
    {
        using var listener = new PingListener();
        string config = Config(listener.Url, string.Empty, "[s3]\ncolour = blue\n");
        var systemd = new Dictionary<string, string>
        {
            ["MONITOR_SERVICE_RESULT"] = "exit-code",
            ["MONITOR_EXIT_STATUS"] = "69",
        };

        using ToolRun run = ToolRun.Start(
            UploaderTool,
            systemd,
            "notify",
            "--unit",
            "btrfs-to-s3-spooler.service",
            "--config",
            config
        );

        Assert.AreEqual(ExitCodes.Ok, run.WaitForExit(TimeSpan.FromMinutes(1)), run.Output);
        Assert.AreEqual("/ping/5f3c/fail", listener.Requests.Single().Path);
        StringAssert.StartsWith(listener.Requests.Single().Body, "btrfs-to-s3-spooler.service failed on ");
        StringAssert.Contains(
            listener.Requests.Single().Body,
            " with exit 69 (unavailable). See its log: journalctl -u btrfs-to-s3-spooler.service."
        );
    }

    private string Config(string url, string command, string extra = "")
    {
        string file = Path.Combine(_dir.Path, "btrfs_to_s3.ini");
        File.WriteAllText(
            file,
            $"""
            [subvolumes]
            data = {_dir.Path}
            [snapshots]
            dir = {_dir.Path}
            [spool]
            dir = {_dir.Path}
            quota = 1GiB
            chunk_size = 256MiB
            [state]
            dir = {_dir.Path}
            [notify]
            url = {url}
            command = {command}
            {extra}
            """
        );
        return file;
    }
}
