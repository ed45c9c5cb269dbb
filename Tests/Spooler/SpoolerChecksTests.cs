using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Tests.Infrastructure;

namespace BtrfsToS3.Tests.Spooler;

/// <summary>Bad configuration and command lines, seen from outside: one clear line, the documented exit code, nothing
/// touched.</summary>
[TestClass]
public sealed class SpoolerChecksTests : BtrfsTest
{
    protected override int DataMiB => 1;

    [TestMethod]
    public void Run_SubvolumeIsPlainDirectory_Exits78NamingIt()
    {
        string plain = Path.Combine(_fx.Mount, "plain");
        Directory.CreateDirectory(plain);
        string config = Config($"[subvolumes]\ndata = {plain}");

        AssertConfigError(config, $"{config}: [subvolumes] data: {plain} is not a btrfs subvolume");
    }

    [TestMethod]
    public void Run_SubvolumeMissing_Exits78NamingIt()
    {
        string config = Config($"[subvolumes]\ndata = {_fx.Mount}/nothing");

        AssertConfigError(config, $"{config}: [subvolumes] data: {_fx.Mount}/nothing does not exist");
    }

    [TestMethod]
    public void Run_SpoolDirMissing_Exits78NamingIt()
    {
        string config = Config($"[subvolumes]\ndata = {_fx.Subvolume("data")}", spool: "/nonexistent/spool");

        AssertConfigError(config, $"{config}: [spool] dir: /nonexistent/spool does not exist");
    }

    [TestMethod]
    public void Run_SnapshotDirNotOnBtrfs_Exits78NamingIt()
    {
        using var elsewhere = new TempDirectory("notbtrfs");
        string config = Config($"[subvolumes]\ndata = {_fx.Subvolume("data")}", snapshots: elsewhere.Path);

        AssertConfigError(config, $"{config}: [snapshots] dir: {elsewhere.Path} is not on a btrfs filesystem");
        Assert.IsEmpty(
            Directory.GetFileSystemEntries(elsewhere.Path),
            "a refused snapshot directory is left as it was"
        );
    }

    [TestMethod]
    public void Run_SnapshotDirOnAnotherBtrfs_Exits78NamingBoth()
    {
        using BtrfsFixture other = BtrfsFixture.Create(dataMiB: 1, size: "256M");
        string config = Config($"[subvolumes]\ndata = {_fx.Subvolume("data")}", snapshots: other.Snapshots);

        AssertConfigError(config, "snapshots must be made on the subvolumes' filesystem");
    }

    [TestMethod]
    public void Run_SpoolWritableByOthers_Exits78NamingItsMode()
    {
        File.SetUnixFileMode(_fx.Spool, (UnixFileMode)Convert.ToInt32("1777", 8));
        string config = Config($"[subvolumes]\ndata = {_fx.Subvolume("data")}");

        AssertConfigError(config, $"{config}: [spool] dir: {_fx.Spool} is writable by others (mode 1777)");
    }

    [TestMethod]
    public void Run_StateOwnedByAnotherUser_Exits78NamingTheOwner()
    {
        const int nobody = 65534;
        Assert.AreEqual(0, Mono.Unix.Native.Syscall.chown(_fx.State, nobody, 0));
        string config = Config($"[subvolumes]\ndata = {_fx.Subvolume("data")}");

        AssertConfigError(
            config,
            $"{config}: [state] dir: {_fx.State} is owned by nobody (uid 65534) (mode 0755), neither root nor root (uid 0), who runs this"
        );
    }

    [TestMethod]
    public void Run_UnknownKeyOnCommandLine_Exits78NamingTheFlag()
    {
        string config = Config($"[subvolumes]\ndata = {_fx.Subvolume("data")}");

        (int code, string output) = ToolRun.Run(Spooler, "--config", config, "--spool.colour", "blue");

        Assert.AreEqual(ExitCodes.Config, code, output);
        StringAssert.Contains(output, "configuration: command line --spool.colour: unknown key");
    }

    [TestMethod]
    public void Run_UnderSystemd_LogsInTheSystemdFormatWithJournalPriorities()
    {
        string config = Config($"[subvolumes]\ndata = {_fx.Mount}/nothing");
        using ToolRun run = ToolRun.Start(
            Spooler,
            new Dictionary<string, string> { ["INVOCATION_ID"] = "0123456789abcdef" },
            "--config",
            config
        );

        Assert.AreEqual(ExitCodes.Config, run.WaitForExit(TimeSpan.FromMinutes(1)), run.Output);
        string[] lines = [.. run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)];
        Assert.IsTrue(lines.All(l => l.Length > 3 && l[0] == '<' && l[2] == '>'), run.Output);
        Assert.HasCount(
            1,
            lines.Where(l =>
                l.StartsWith("<3>", StringComparison.Ordinal) && l.Contains("does not exist", StringComparison.Ordinal)
            ),
            run.Output
        );
    }

    [TestMethod]
    public void Plan_MeasuredSubvolumes_PrintsATableWithTotals()
    {
        string config = Config($"[subvolumes]\ndata = {_fx.Subvolume("data")}\nhome = {_fx.Subvolume("home")}");
        using ToolRun plan = ToolRun.Start(
            "btrfs-to-s3-uploader",
            new Dictionary<string, string>(),
            "plan",
            "--config",
            config,
            "--size",
            "home=1TiB"
        );

        Assert.AreEqual(ExitCodes.Ok, plan.WaitForExit(TimeSpan.FromMinutes(1)), plan.Output);
        string[] lines = plan.StandardOutput.Split('\n');
        Assert.IsTrue(
            lines.Any(l =>
                l.StartsWith("data ", StringComparison.Ordinal) && l.Contains("MiB", StringComparison.Ordinal)
            ),
            plan.StandardOutput
        );
        Assert.IsTrue(
            lines.Any(l =>
                l.StartsWith("home ", StringComparison.Ordinal) && l.Contains("1.0 TiB", StringComparison.Ordinal)
            ),
            plan.StandardOutput
        );
        Assert.IsTrue(lines.Any(l => l.StartsWith("total ", StringComparison.Ordinal)), plan.StandardOutput);
    }

    [TestMethod]
    public void Run_UnknownOption_Exits64()
    {
        (int code, string output) = ToolRun.Run(Spooler, "--fast");

        Assert.AreEqual(ExitCodes.Usage, code, output);
        StringAssert.Contains(output, "usage: unknown option \"--fast\"");
    }

    [TestMethod]
    public void Run_Help_PrintsUsageAndExits0()
    {
        (int code, string output) = ToolRun.Run(Spooler, "--help");

        Assert.AreEqual(ExitCodes.Ok, code, output);
        StringAssert.Contains(output, "Exit codes:");
    }

    private string Config(string subvolumes, string? spool = null, string? snapshots = null)
    {
        string path = Path.Combine(_fx.Dir, "bad.ini");
        File.WriteAllText(
            path,
            $"""
            {subvolumes}
            [snapshots]
            dir = {snapshots ?? _fx.Snapshots}
            [spool]
            dir = {spool ?? _fx.Spool}
            quota = {ByteSize.GiB}
            chunk_size = {ByteSize.MiB}
            [state]
            dir = {_fx.State}
            """
        );
        return path;
    }

    private void AssertConfigError(string config, string expected)
    {
        (int code, string output) = ToolRun.Run(Spooler, "--config", config);

        Assert.AreEqual(ExitCodes.Config, code, output);
        string[] errors = [.. output.Split('\n').Where(l => l.Contains(" fail: ", StringComparison.Ordinal))];
        Assert.HasCount(1, errors, output);
        StringAssert.Contains(errors[0], expected);
        Assert.IsEmpty(Directory.GetFileSystemEntries(_fx.Snapshots), "a snapshot was made");
        Assert.IsEmpty(Directory.GetFileSystemEntries(_fx.Spool), "the spool was touched");
    }
}
