using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Tests.Infrastructure;

namespace BtrfsToS3.Tests.Uploader;

/// <summary>
/// Bad configuration and command lines given to the uploader, seen from outside, with a sealed stream waiting in the
/// spool: one clear line each, exit 64 (usage) or 78 (configuration), and nothing touched, in the spool or in S3.
/// </summary>
[TestClass]
public sealed class UploaderChecksTests : BtrfsAndS3Test
{
    private static readonly (string[] Arguments, int Code, string Line)[] Misuse =
    [
        (["frobnicate"], ExitCodes.Usage, "usage: unexpected argument \"frobnicate\""),
        (["--fast"], ExitCodes.Usage, "usage: unknown option \"--fast\""),
        (["status", "--size", "data=1GiB"], ExitCodes.Usage, "usage: --size is not an option of status"),
        (["run", "--dry-run"], ExitCodes.Usage, "usage: --dry-run is not an option of run"),
        (["status", "--once"], ExitCodes.Usage, "usage: --once is not an option of status"),
        (["restore", "--profile", "p"], ExitCodes.Usage, "usage: --profile is not an option of restore"),
        (["--once=yes"], ExitCodes.Usage, "usage: unknown option \"--once=yes\""),
        (["restore", "--target", "/tmp"], ExitCodes.Usage, "usage: restore needs one --subvolume NAME"),
        (["restore", "--subvolume"], ExitCodes.Usage, "usage: --subvolume needs a value"),
        (["plan", "--size", "data=lots"], ExitCodes.Usage, "usage: --size wants a configured subvolume and a size"),
        (["--s3.colour", "blue"], ExitCodes.Config, "configuration: command line --s3.colour: unknown key"),
        (["--s3.bucket", ""], ExitCodes.Config, "command line --s3.bucket: is empty: the uploader needs a bucket"),
        (
            ["--s3.bucket", "no-such-bucket-btrfs-to-s3"],
            ExitCodes.Config,
            "bucket no-such-bucket-btrfs-to-s3 does not exist"
        ),
        (
            ["--s3.storage_class_data", "DEEPER_ARCHIVE"],
            ExitCodes.Config,
            "command line --s3.storage_class_data: \"DEEPER_ARCHIVE\" is not an S3 storage class"
        ),
        (
            ["--s3.storage_class_metadata", "DEEP_ARCHIVE"],
            ExitCodes.Config,
            "command line --s3.storage_class_metadata: DEEP_ARCHIVE cannot be read without a thaw of hours"
        ),
        (
            ["--restore.tier", "Expedited"],
            ExitCodes.Config,
            "command line --restore.tier: Expedited is not offered for Deep Archive"
        ),
        (
            ["run", "--take-over", "dat"],
            ExitCodes.Usage,
            "usage: --take-over wants a configured subvolume (one of data), got \"dat\""
        ),
        (["--s3.part_size", "1MiB"], ExitCodes.Config, "command line --s3.part_size: 1MiB is out of range"),
        (
            ["--spool.chunk_size", "60GiB", "--spool.quota", "60GiB", "--s3.part_size", "5MiB"],
            ExitCodes.Config,
            "into 12288 parts; S3 allows 10000: set part_size to at least 7MiB"
        ),
        (["--spool.quota", "512KiB"], ExitCodes.Config, "command line --spool.quota: 512KiB is smaller than one chunk"),
        (
            ["--spool.dir", "/nonexistent/spool"],
            ExitCodes.Config,
            "command line --spool.dir: /nonexistent/spool does not exist"
        ),
        (
            ["--uploader.give_up_after", "soon"],
            ExitCodes.Config,
            "command line --uploader.give_up_after: \"soon\" is not a duration"
        ),
        (["--config", "/nonexistent/btrfs_to_s3.ini"], ExitCodes.Config, "/nonexistent/btrfs_to_s3.ini"),
    ];

    protected override int DataMiB => 2;

    [TestMethod]
    public void Commands_SpoolOrStateWritableByOthers_Exit78NamingTheDirectoryAndItsMode()
    {
        string config = _fx.WriteConfig(
            ByteSize.MiB,
            ByteSize.GiB,
            ["data"],
            _s3.ConfigSection(_s3.Endpoint) + "\n[uploader]\nlinger = 0s"
        );
        (int spooled, string spoolerOutput) = ToolRun.Run(Spooler, "--config", config);
        Assert.AreEqual(ExitCodes.Ok, spooled, spoolerOutput);
        string before = _fx.SpoolListing();

        foreach ((string dir, string key) in new[] { (_fx.Spool, "[spool] dir"), (_fx.State, "[state] dir") })
        {
            UnixFileMode kept = File.GetUnixFileMode(dir);
            File.SetUnixFileMode(dir, kept | UnixFileMode.OtherWrite);
            string mode = Convert.ToString((int)(kept | UnixFileMode.OtherWrite), 8).PadLeft(4, '0');
            foreach (string command in new[] { "run", "check", "status", "verify", "prune" })
            {
                (int code, string output) = ToolRun.Run(UploaderTool, command, "--config", config);

                Assert.AreEqual(ExitCodes.Config, code, $"{command}\n{output}");
                string[] failures = [.. output.Split('\n').Where(l => l.Contains(" fail: ", StringComparison.Ordinal))];
                Assert.HasCount(1, failures, $"{command}\n{output}");
                StringAssert.Contains(
                    failures[0],
                    $"{config}: {key}: {dir} is writable by others (mode {mode})",
                    command
                );
            }

            File.SetUnixFileMode(dir, kept);
        }

        Assert.AreEqual(before, _fx.SpoolListing());
        Assert.IsEmpty(_s3.List());
    }

    [TestMethod]
    public void Run_MisuseTable_OneLineEachExit64Or78AndNothingTouched()
    {
        string config = _fx.WriteConfig(
            ByteSize.MiB,
            ByteSize.GiB,
            ["data"],
            _s3.ConfigSection(_s3.Endpoint) + "\n[uploader]\nlinger = 0s"
        );
        (int spooled, string spoolerOutput) = ToolRun.Run(Spooler, "--config", config);
        Assert.AreEqual(ExitCodes.Ok, spooled, spoolerOutput);
        string before = _fx.SpoolListing();

        foreach ((string[] arguments, int expectedCode, string line) in Misuse)
        {
            string[] full = arguments.Contains("--config") ? arguments : [.. arguments, "--config", config];
            string row = string.Join(' ', arguments);

            (int code, string output) = ToolRun.Run(UploaderTool, full);

            Assert.AreEqual(expectedCode, code, $"{row}\n{output}");
            string[] failures = [.. output.Split('\n').Where(l => l.Contains(" fail: ", StringComparison.Ordinal))];
            Assert.HasCount(1, failures, $"{row}\n{output}");
            StringAssert.Contains(failures[0], line, row);
            Assert.AreEqual(before, _fx.SpoolListing(), $"{row} touched the spool");
            Assert.IsEmpty(_s3.List(), $"{row} wrote to S3");
            Assert.IsEmpty(_s3.MultipartUploads(), $"{row} started an upload");
        }
    }
}
