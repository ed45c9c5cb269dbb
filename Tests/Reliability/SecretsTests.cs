using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Crypto;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.IO;
using BtrfsToS3.Tests.Infrastructure;

namespace BtrfsToS3.Tests.Reliability;

/// <summary>Secrets never leave the environment: not into logs, stats, metrics, state, the spool or S3.</summary>
[TestClass]
public sealed class SecretsTests : BtrfsAndS3Test
{
    protected override int DataMiB => 2;

    [TestMethod]
    public void FullCycle_SecretInTheEnvironment_AppearsInNoOutput()
    {
        string secret = Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY")!;
        string metrics = Path.Combine(_fx.Dir, "metrics.prom");
        string config = _fx.WriteConfig(
            ByteSize.MiB,
            ByteSize.GiB,
            ["data"],
            _s3.ConfigSection(_s3.Endpoint) + $"\n[uploader]\nlinger = 0s\n[state]\nmetrics_file = {metrics}"
        );
        var outputs = new List<string>
        {
            ToolRun.Run(Spooler, "--config", config, "--verbose").Output,
            ToolRun.Run(UploaderTool, "--config", config, "--verbose").Output,
            ToolRun.Run(UploaderTool, "check", "--config", config).Output,
            ToolRun.Run(UploaderTool, "status", "--json", "--config", config).Output,
            ToolRun.Run(UploaderTool, "--config", config, "--s3.bucket", "no-such-bucket-here").Output,
        };
        string target = Directory.CreateDirectory(Path.Combine(_fx.Mount, "restored")).FullName;
        (int code, string restore) = ToolRun.Run(
            UploaderTool,
            "restore",
            "--config",
            config,
            "--subvolume",
            "data",
            "--target",
            target
        );
        Assert.AreEqual(ExitCodes.Ok, code, restore);
        outputs.Add(restore);

        foreach (
            string file in Directory
                .EnumerateFiles(_fx.State)
                .Append(metrics)
                .Concat(Directory.EnumerateFiles(_fx.Spool, "*", SearchOption.AllDirectories))
        )
        {
            outputs.Add(File.ReadAllText(file));
        }

        foreach (var item in _s3.List())
        {
            if (!item.Key.Contains("/chunk-", StringComparison.Ordinal))
            {
                outputs.Add(System.Text.Encoding.UTF8.GetString(_s3.Get(item.Key)));
            }
        }

        Assert.IsGreaterThan(10, outputs.Count);
        foreach (string output in outputs)
        {
            Assert.DoesNotContain(secret, output);
        }
    }

    [TestMethod]
    public void Files_SpoolStateAndLocks_OwnerAndGroupOnly()
    {
        string config = _fx.WriteConfig(
            ByteSize.MiB,
            ByteSize.GiB,
            ["data"],
            _s3.ConfigSection(_s3.Endpoint) + "\n[uploader]\nlinger = 0s"
        );
        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(Spooler, "--config", config).Code);
        const UnixFileMode others = UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

        // The programs set their umask, so a test runner's 022 must not show: files 0660, directories 0770.
        foreach (string path in Directory.EnumerateFileSystemEntries(_fx.Spool, "*", SearchOption.AllDirectories))
        {
            Assert.AreEqual(
                Directory.Exists(path) ? GroupShared.DirectoryMode : GroupShared.FileMode,
                File.GetUnixFileMode(path) & ~UnixFileMode.SetGroup,
                path
            );
        }

        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(UploaderTool, "--config", config).Code);
        string signingKey = Path.Combine(_fx.State, SigningKey.FileName);
        foreach (
            string path in Directory
                .EnumerateFileSystemEntries(_fx.State)
                .Concat(Directory.EnumerateFiles(_fx.Spool))
                .Where(p => p != signingKey)
        )
        {
            Assert.AreEqual((UnixFileMode)0, File.GetUnixFileMode(path) & others, path);
            Assert.AreEqual(
                UnixFileMode.GroupRead | UnixFileMode.GroupWrite,
                File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite),
                path
            );
        }

        // The signing key alone is the owner's: the spooler never signs, and the group must not.
        Assert.AreEqual(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(signingKey));
    }
}
