using BtrfsToS3.Shared.Cli;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Spooler;
using BtrfsToS3.Tests.Infrastructure;

namespace BtrfsToS3.Tests.Spooler;

/// <summary>The spooler's declaration: its help, the command lines of the units and scripts, and what it
/// refuses.</summary>
[TestClass]
public sealed class SpoolerCommandLineTests
{
    [TestMethod]
    public void Help_Program_ListsEveryOption()
    {
        using ToolRun run = ToolRun.Start(SpoolerCommandLine.Tool, "--help");
        Assert.AreEqual(ExitCodes.Ok, run.WaitForExit(TimeSpan.FromMinutes(1)), run.Output);
        (int code, string runHelp) = ToolRun.Run(SpoolerCommandLine.Tool, "run", "--help");

        Assert.AreEqual(ExitCodes.Ok, code, runHelp);
        foreach (string option in new[] { "--config", "--verbose", "--help", "--version", "--SECTION.KEY" })
        {
            StringAssert.Contains(run.StandardOutput, option);
        }

        StringAssert.Contains(runHelp, "--full");
    }

    [TestMethod]
    [DataRow("--config /etc/btrfs_to_s3.ini", false)]
    [DataRow("--config /etc/btrfs_to_s3.ini --full", true)]
    [DataRow("run --full --spool.quota 1GiB --config=/etc/btrfs_to_s3.ini", true)]
    public void Parse_CommandLinesInUse_RunWithOrWithoutFull(string args, bool full)
    {
        CommandLine line = new CommandLineParser(SpoolerCommandLine.Declaration).Parse(args.Split(' '));

        Assert.AreEqual("run", line.Command);
        Assert.AreEqual("/etc/btrfs_to_s3.ini", line.ConfigPath);
        Assert.AreEqual(full, line.Has("full"));
    }

    [TestMethod]
    [DataRow("--once", "usage: unknown option \"--once\" (see --help)")]
    [DataRow("status", "usage: unexpected argument \"status\" (see --help)")]
    [DataRow("--full=yes", "usage: unknown option \"--full=yes\" (see --help)")]
    public void Parse_WhatTheSpoolerDoesNotTake_IsAUsageError(string args, string expected)
    {
        BackupFailure failure = Assert.ThrowsExactly<BackupFailure>(() =>
            new CommandLineParser(SpoolerCommandLine.Declaration).Parse(args.Split(' '))
        );

        Assert.AreEqual(FailureKind.Usage, failure.Kind);
        Assert.AreEqual(expected, failure.Message);
    }
}
