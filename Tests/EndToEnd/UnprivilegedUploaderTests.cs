using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.IO;
using BtrfsToS3.Shared.State;
using BtrfsToS3.Tests.Infrastructure;

namespace BtrfsToS3.Tests.EndToEnd;

/// <summary>
/// The uploader as its unit runs it: the system user btrfs-to-s3, no capabilities, credentials from a shared
/// credentials file (as LoadCredential= hands it over) and no AWS_* keys in the environment, over a spool the spooler
/// wrote as root, both sharing the spool and state directories through the group as the package makes them (2770
/// root:btrfs-to-s3).
/// </summary>
[TestClass]
public sealed class UnprivilegedUploaderTests : BtrfsAndS3Test
{
    protected override int DataMiB => 2;

    [TestMethod]
    public void UnitCommands_AsTheSystemUserOverARootSpool_AllPassThroughAFullAndAnIncremental()
    {
        using SystemUser user = SystemUser.Ensure();
        string config = _fx.WriteConfig(
            ByteSize.MiB,
            ByteSize.GiB,
            ["data"],
            _s3.ConfigSection(_s3.Endpoint) + "\n[uploader]\nlinger = 0s"
        );
        SystemUser.ShareDirectory(_fx.Spool);
        SystemUser.ShareDirectory(_fx.State);
        SystemUser.ShareFile(config);
        string credentials = Path.Combine(_fx.Dir, "aws-credentials");
        File.WriteAllText(
            credentials,
            $"[default]\naws_access_key_id = {Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID")}\naws_secret_access_key = {Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY")}\n"
        );
        SystemUser.ShareFile(credentials);
        var unit = new Dictionary<string, string>
        {
            ["AWS_SHARED_CREDENTIALS_FILE"] = credentials,
            ["AWS_ACCESS_KEY_ID"] = string.Empty,
            ["AWS_SECRET_ACCESS_KEY"] = string.Empty,
            ["HOME"] = "/nonexistent",
        };

        for (int stream = 0; stream < 2; stream++)
        {
            File.WriteAllText(Path.Combine(_fx.Subvolume("data"), $"file-{stream}"), "x");
            Thread.Sleep(1100);
            (int spooled, string spoolerOutput) = ToolRun.Run(Spooler, "--config", config);
            Assert.AreEqual(ExitCodes.Ok, spooled, spoolerOutput);

            foreach (string command in new[] { "run", "check", "status", "verify", "prune" })
            {
                (int code, string output) = ToolRun.RunAs(
                    SystemUser.Name,
                    unit,
                    UploaderTool,
                    command,
                    "--config",
                    config
                );

                Assert.AreEqual(ExitCodes.Ok, code, $"{command} as {SystemUser.Name}, stream {stream}:\n{output}");
            }
        }

        Assert.IsEmpty(
            Directory.GetDirectories(_fx.Spool),
            "the uploader deleted the streams the spooler (root) wrote"
        );
        Assert.AreEqual(2, _s3.List().Count(o => o.Key.EndsWith("/manifest.json", StringComparison.Ordinal)));
        string published = StateFiles.PublishedPath(_fx.State, "data");
        Assert.AreEqual(0, Mono.Unix.Native.Syscall.stat(published, out Mono.Unix.Native.Stat stat));
        Assert.AreEqual(
            uint.Parse(
                Shell.Run("id", "-u", SystemUser.Name).Trim(),
                System.Globalization.CultureInfo.InvariantCulture
            ),
            stat.st_uid
        );
        Assert.AreEqual(GroupShared.FileMode, File.GetUnixFileMode(published));
    }
}
