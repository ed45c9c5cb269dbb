using BtrfsToS3.Shared.Cli;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Tests.Infrastructure;

namespace BtrfsToS3.Tests.Shared.Cli;

[TestClass]
public sealed class BuildInfoTests
{
    [TestMethod]
    public void Parse_VersionWithCommit_TakesSevenHexDigits()
    {
        Assert.AreEqual(
            ("0.2.0", (string?)"9f8e7d6"),
            BuildInfo.Parse("0.2.0+9F8E7D6c5b4a39281706f5e4d3c2b1a098765432")
        );
    }

    [TestMethod]
    public void Parse_BuildOutsideGit_HasNoCommit()
    {
        Assert.AreEqual(("0.2.0", (string?)null), BuildInfo.Parse("0.2.0"));
        Assert.AreEqual(("0.2.0", (string?)null), BuildInfo.Parse("0.2.0+local"));
    }

    [TestMethod]
    public void Line_WithAndWithoutSdk_OneLineNamingToolVersionAndCommit()
    {
        string commit = BuildInfo.Commit ?? "unknown";

        Assert.AreEqual(
            $"btrfs-to-s3-spooler {BuildInfo.Version} (commit {commit})",
            BuildInfo.Line("btrfs-to-s3-spooler", null)
        );
        Assert.AreEqual(
            $"btrfs-to-s3-uploader {BuildInfo.Version} (commit {commit}, SDK 1)",
            BuildInfo.Line("btrfs-to-s3-uploader", "SDK 1")
        );
        StringAssert.StartsWith(BuildInfo.WrittenBy, $"btrfs_to_s3 {BuildInfo.Version} (");
    }

    [TestMethod]
    public void Version_BothPrograms_PrintOneLineAndExitZero()
    {
        foreach (string tool in new[] { "btrfs-to-s3-spooler", "btrfs-to-s3-uploader" })
        {
            using ToolRun run = ToolRun.Start(tool, "--version");

            Assert.AreEqual(ExitCodes.Ok, run.WaitForExit(TimeSpan.FromMinutes(1)), run.Output);
            string line = run.StandardOutput.TrimEnd('\n');
            Assert.AreEqual(run.Output.TrimEnd('\n'), line, "nothing but the line, no log");
            StringAssert.StartsWith(line, $"{tool} {BuildInfo.Version} (commit ");
            Assert.AreEqual(
                tool == "btrfs-to-s3-uploader",
                line.Contains("AWS SDK for .NET: AWSSDK.S3 ", StringComparison.Ordinal),
                line
            );
        }
    }
}
