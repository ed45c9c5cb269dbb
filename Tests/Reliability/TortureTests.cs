using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.State;
using BtrfsToS3.Tests.Infrastructure;

namespace BtrfsToS3.Tests.Reliability;

/// <summary>
/// Backup cycles with the spooler or the uploader killed at random moments (kill -9, or at a crash point), then run
/// again with no manual step. After every cycle: the pointer names only whole streams, the spool drains, no multipart
/// upload is left, the next incremental chains on what was published, and the chain restores identical to the last
/// published snapshot. Seeded: TORTURE_SEED reproduces a run (the seed is printed); TORTURE_KILLS sets the number of
/// kills (CI: 10; scripts/torture.sh: 50).
/// </summary>
[TestClass]
public sealed class TortureTests : BtrfsAndS3Test
{
    private static readonly string[] CrashPoints = ["uploader-after-verify", "uploader-after-manifest", "uploader-after-pointer", "uploader-after-state"];

    public TestContext TestContext { get; set; } = null!;

    protected override int DataMiB => 6;

    [TestMethod]
    public void Cycles_RandomKills_NothingLostNothingHalfPublished()
    {
        int seed = int.TryParse(Environment.GetEnvironmentVariable("TORTURE_SEED"), out int given) ? given : Random.Shared.Next();
        int kills = int.TryParse(Environment.GetEnvironmentVariable("TORTURE_KILLS"), out int k) ? k : 10;
        TestContext.WriteLine($"torture: seed {seed}, {kills} kills (TORTURE_SEED={seed} reproduces it)");
        Console.WriteLine($"torture: seed {seed}, {kills} kills");
        var random = new Random(seed);
        string config = _fx.WriteConfig(ByteSize.MiB, 4 * ByteSize.MiB, ["data"], _s3.ConfigSection(_s3.Endpoint) + "\n[uploader]\nlinger = 0s\nabort_uploads_older_than = 0s");
        var log = new List<string>();
        for (int cycle = 0; cycle < kills; cycle++)
        {
            Mutate(random, cycle);
            string what = Kill(random, config);
            log.Add($"cycle {cycle}: {what}");

            // Run again, as the next timer run or a person would: spooler, then the uploader until the spool is empty.
            Assert.AreEqual(ExitCodes.Ok, RunToEnd(config), string.Join('\n', log));
            Published.AssertPointerNamesOnlyCompleteStreams(_s3, "data");
            Assert.IsEmpty(Directory.GetDirectories(_fx.Spool, "data.*"), $"the spool did not drain\n{string.Join('\n', log)}");
            Assert.IsEmpty(_s3.MultipartUploads(), $"a multipart upload was left\n{string.Join('\n', log)}");
            AssertRestoresTheLastPublished(config, cycle);
        }

        TestContext.WriteLine(string.Join('\n', log));
    }

    /// <summary>Adds, changes and deletes files, so every cycle has an incremental to send.</summary>
    private void Mutate(Random random, int cycle)
    {
        string data = _fx.Subvolume("data");
        byte[] bytes = new byte[random.Next(100_000, 3_000_000)];
        random.NextBytes(bytes);
        File.WriteAllBytes(Path.Combine(data, $"cycle-{cycle}.bin"), bytes);
        File.AppendAllText(Path.Combine(data, "docs/doc1.txt"), $"cycle {cycle}\n");
        string[] small = Directory.GetFiles(Path.Combine(data, "small"));
        if (small.Length > 0)
        {
            File.Delete(small[random.Next(small.Length)]);
        }
    }

    /// <summary>Starts a cycle and kills one of the pair at a random moment or crash point; says what it did.</summary>
    private string Kill(Random random, string config)
    {
        Thread.Sleep(1100);
        bool spoolerVictim = random.Next(2) == 0;
        if (spoolerVictim)
        {
            int delay = random.Next(0, 1500);
            using ToolRun uploader = ToolRun.Start(UploaderTool, "--config", config);
            using ToolRun spooler = ToolRun.Start(Spooler, "--config", config);
            Thread.Sleep(delay);
            spooler.KillHard();
            uploader.WaitForExit(TimeSpan.FromMinutes(2));
            return $"spooler killed after {delay} ms";
        }

        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(Spooler, "--config", config, "--spool.quota", "1GiB").Code);
        if (random.Next(2) == 0)
        {
            string point = CrashPoints[random.Next(CrashPoints.Length)];
            using ToolRun crashing = ToolRun.Start(UploaderTool, new Dictionary<string, string> { ["BTRFS_TO_S3_CRASH_AT"] = point }, "--config", config);
            crashing.WaitForExit(TimeSpan.FromMinutes(2));
            return $"uploader killed at {point}";
        }

        int after = random.Next(0, 800);
        using ToolRun victim = ToolRun.Start(UploaderTool, "--config", config);
        Thread.Sleep(after);
        victim.KillHard();
        return $"uploader killed after {after} ms";
    }

    private int RunToEnd(string config)
    {
        (int code, string output) = ToolRun.Run(Spooler, "--config", config, "--spool.quota", "1GiB");
        Assert.AreEqual(ExitCodes.Ok, code, output);
        (code, output) = ToolRun.Run(UploaderTool, "--config", config);
        Assert.AreEqual(ExitCodes.Ok, code, output);
        return code;
    }

    private void AssertRestoresTheLastPublished(string config, int cycle)
    {
        string published = StateFiles.ReadPublished(_fx.State, "data")!.Snapshot.Name;
        string target = Directory.CreateDirectory(Path.Combine(_fx.Mount, $"restored-{cycle}")).FullName;
        (int code, string output) = ToolRun.Run(UploaderTool, "restore", "--config", config, "--subvolume", "data", "--target", target);
        Assert.AreEqual(ExitCodes.Ok, code, output);
        SendStreams.AssertSameTree(Path.Combine(_fx.Snapshots, published), Path.Combine(target, published));
        foreach (string received in Directory.GetDirectories(target))
        {
            Shell.Run("btrfs", "subvolume", "delete", received);
        }
    }
}
