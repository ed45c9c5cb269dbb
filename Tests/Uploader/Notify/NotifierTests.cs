using System.Net;
using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Tests.Infrastructure;
using BtrfsToS3.Uploader.Notify;

namespace BtrfsToS3.Tests.Uploader.Notify;

[TestClass]
public sealed class NotifierTests
{
    private const int NotifyFailed = 270;

    [TestMethod]
    public async Task EndedAsync_Url_PingsStartThenSuccessOrFailWithTheSummaries()
    {
        using var listener = new PingListener();
        var logger = new RecordingLogger();
        using (var notifier = new Notifier(new NotifyOptions(listener.Url, string.Empty), logger))
        {
            await notifier.StartedAsync("started on h");
            await notifier.EndedAsync(success: true, "ended 0 on h");
            await notifier.EndedAsync(success: false, "ended 65 on h");
        }

        CollectionAssert.AreEqual(
            new[]
            {
                ("POST", "/ping/5f3c/start", "started on h"),
                ("POST", "/ping/5f3c", "ended 0 on h"),
                ("POST", "/ping/5f3c/fail", "ended 65 on h"),
            },
            listener.Requests.ToArray()
        );
        Assert.IsEmpty(logger.Entries.Where(e => e.Event.Id == NotifyFailed));
    }

    [TestMethod]
    public async Task EndedAsync_Command_StartsWithoutAnyAwsVariable()
    {
        using var dir = new TempDirectory("notify");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY_CANARY", "canary-secret");
        try
        {
            string file = dir.File("env");
            using (var notifier = new Notifier(new NotifyOptions(string.Empty, $"env > {file}"), new RecordingLogger()))
            {
                await notifier.EndedAsync(success: true, "ended 0 on h");
            }

            string[] lines = File.ReadAllLines(file);
            Assert.IsEmpty(lines.Where(l => l.StartsWith("AWS_", StringComparison.Ordinal)), string.Join('\n', lines));
            CollectionAssert.Contains(lines, "BTRFS_TO_S3_EVENT=success");
        }
        finally
        {
            Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY_CANARY", null);
        }
    }

    [TestMethod]
    public async Task EndedAsync_Command_GetsTheSummaryOnStdinAndTheEvent()
    {
        using var dir = new TempDirectory("notify");
        string file = dir.File("told");
        var logger = new RecordingLogger();
        using (
            var notifier = new Notifier(
                new NotifyOptions(string.Empty, $"cat > {file}; echo \"event $BTRFS_TO_S3_EVENT\" >> {file}"),
                logger
            )
        )
        {
            await notifier.StartedAsync("started");
            Assert.IsFalse(File.Exists(file), "the command hears only how runs end");
            await notifier.EndedAsync(success: false, "ended 69 on h: Failing line: btrfs send exited 1");
        }

        Assert.AreEqual("ended 69 on h: Failing line: btrfs send exited 1\nevent fail\n", File.ReadAllText(file));
        Assert.IsEmpty(logger.Entries);
    }

    [TestMethod]
    public async Task EndedAsync_UnreachableUrlAndFailingCommand_OneWarningEachAndNoThrow()
    {
        var logger = new RecordingLogger();
        using (
            var notifier = new Notifier(
                new NotifyOptions($"http://127.0.0.1:{PingListener.FreePort()}/x", "echo no mail today >&2; exit 3"),
                logger
            )
        )
        {
            await notifier.EndedAsync(success: true, "ended");
        }

        string[] warnings = [.. logger.Entries.Where(e => e.Event.Id == NotifyFailed).Select(e => e.Message)];
        Assert.HasCount(2, warnings, string.Join("\n", warnings));
        StringAssert.StartsWith(warnings[0], "notify: 127.0.0.1 (Success) not told: ");
        Assert.AreEqual(
            "notify: [notify] command (Success) not told: exited 3: no mail today; the run's outcome is unchanged",
            warnings[1]
        );
    }

    [TestMethod]
    public async Task StartedAsync_HttpError_OneWarningNamingTheStatus()
    {
        using var listener = new PingListener(HttpStatusCode.NotFound);
        var logger = new RecordingLogger();
        using (var notifier = new Notifier(new NotifyOptions(listener.Url, string.Empty), logger))
        {
            await notifier.StartedAsync("started");
        }

        Assert.AreEqual(
            "notify: 127.0.0.1 (Start) not told: HTTP 404 Not Found; the run's outcome is unchanged",
            logger.Entries.Single().Message
        );
    }
}
