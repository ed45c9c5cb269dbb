using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Tests.Infrastructure;

namespace BtrfsToS3.Tests.SystemdUnits;

/// <summary>The units in systemd-units/ as systemd itself reads them.</summary>
[TestClass]
public sealed class SystemdUnitsTests
{
    [TestMethod]
    public void Verify_AllUnits_SystemdAnalyzeFindsNothing()
    {
        if (!File.Exists("/usr/bin/systemd-analyze") && !File.Exists("/bin/systemd-analyze"))
        {
            Assert.Inconclusive("systemd-analyze is not installed");
        }

        using var dir = new TempDirectory("units");

        // verify checks that ExecStart= names an executable, so the units point at stand-ins in the temporary folder.
        string bin = Directory.CreateDirectory(Path.Combine(dir.Path, "bin")).FullName;
        foreach (string tool in new[] { "btrfs-to-s3-spooler", "btrfs-to-s3-uploader" })
        {
            File.WriteAllText(Path.Combine(bin, tool), "#!/bin/sh\n");
            File.SetUnixFileMode(Path.Combine(bin, tool), UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }

        var units = new List<string>();
        foreach (
            string unit in Directory
                .GetFiles(SourceTree.File("systemd-units"))
                .Where(f => Path.GetExtension(f) != ".conf")
        )
        {
            string copy = Path.Combine(dir.Path, Path.GetFileName(unit));
            File.WriteAllText(
                copy,
                File.ReadAllText(unit).Replace("/opt/btrfs_to_s3/", bin + "/", StringComparison.Ordinal)
            );
            units.Add(copy);
        }

        // verify reads drop-ins from <unit>.d/ beside the units, so the tmpfs spool's drop-in is checked in place.
        foreach (string service in new[] { "btrfs-to-s3-spooler.service", "btrfs-to-s3-uploader.service" })
        {
            string dropIns = Directory.CreateDirectory(Path.Combine(dir.Path, service + ".d")).FullName;
            File.Copy(
                SourceTree.File("systemd-units/spool-on-tmpfs.conf"),
                Path.Combine(dropIns, "spool-on-tmpfs.conf")
            );
        }

        (int code, string output, string error) = Shell.TryRun("systemd-analyze", ["verify", .. units]);

        Assert.AreEqual(0, code, output + error);
        Assert.AreEqual(string.Empty, (output + error).Trim());
        Assert.HasCount(5, units);
    }

    /// <summary>The exposure README ("The units") documents for each service; a change that raises one fails
    /// here.</summary>
    [TestMethod]
    [DataRow("btrfs-to-s3-spooler.service", 1.5)]
    [DataRow("btrfs-to-s3-uploader.service", 1.3)]
    [DataRow("btrfs-to-s3-notify@.service", 1.3)]
    public void Security_EachService_ExposureAtMostTheDocumentedScore(string unit, double documented)
    {
        if (!File.Exists("/usr/bin/systemd-analyze") && !File.Exists("/bin/systemd-analyze"))
        {
            Assert.Inconclusive("systemd-analyze is not installed");
        }

        (int code, string output, string error) = Shell.TryRun(
            "systemd-analyze",
            ["security", "--offline=yes", SourceTree.File("systemd-units/" + unit)]
        );

        Assert.AreEqual(0, code, output + error);
        string last = (output + error).Trim().Split('\n')[^1];
        var score = System.Text.RegularExpressions.Regex.Match(last, @"Overall exposure level for \S+: (\d+\.\d)");
        Assert.IsTrue(score.Success, last);
        Assert.IsLessThanOrEqualTo(
            documented,
            double.Parse(score.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture),
            last
        );
        StringAssert.Contains(
            File.ReadAllText(SourceTree.File("README.md")),
            $"| `{unit}` | {documented.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)} |"
        );
    }

    [TestMethod]
    public void Uploader_User_UnprivilegedWithCredentialsFromLoadCredential()
    {
        string[] unit = File.ReadAllLines(SourceTree.File("systemd-units/btrfs-to-s3-uploader.service"));

        CollectionAssert.Contains(unit, "User=btrfs-to-s3");
        CollectionAssert.Contains(unit, "Group=btrfs-to-s3");
        CollectionAssert.Contains(unit, "CapabilityBoundingSet=");
        CollectionAssert.Contains(unit, "LoadCredential=aws:/etc/btrfs_to_s3/aws-credentials");
        CollectionAssert.Contains(unit, "Environment=AWS_SHARED_CREDENTIALS_FILE=%d/aws");
        CollectionAssert.Contains(unit, "UMask=0007");
        Assert.IsFalse(
            unit.Any(l => l.StartsWith("EnvironmentFile=", StringComparison.Ordinal)),
            "credentials never come through the environment file"
        );
    }

    [TestMethod]
    public void Spooler_Capabilities_OnlyWhatBtrfsNeedsAndLocalSocketsOnly()
    {
        string[] unit = File.ReadAllLines(SourceTree.File("systemd-units/btrfs-to-s3-spooler.service"));

        CollectionAssert.Contains(unit, "CapabilityBoundingSet=CAP_SYS_ADMIN CAP_DAC_READ_SEARCH CAP_FOWNER");
        CollectionAssert.Contains(unit, "RestrictAddressFamilies=AF_UNIX");
        CollectionAssert.Contains(unit, "PrivateNetwork=yes");
        CollectionAssert.Contains(unit, "SupplementaryGroups=btrfs-to-s3");
        CollectionAssert.Contains(unit, "UMask=0007");
    }

    [TestMethod]
    public void SpoolMount_Options_SizedAndGroupSharedAndNotEnablable()
    {
        string[] mount = File.ReadAllLines(SourceTree.File("systemd-units/run-btrfs_to_s3-spool.mount"));

        CollectionAssert.Contains(mount, "Where=/run/btrfs_to_s3/spool");
        CollectionAssert.Contains(mount, "Type=tmpfs");
        string[] options = mount
            .Single(l => l.StartsWith("Options=", StringComparison.Ordinal))["Options=".Length..]
            .Split(',');
        CollectionAssert.Contains(options, "mode=2770");
        Assert.IsTrue(options.Any(o => o.StartsWith("size=", StringComparison.Ordinal)), string.Join(',', options));
        CollectionAssert.DoesNotContain(mount, "[Install]");
    }

    [TestMethod]
    public void SpoolOnTmpfsDropIn_Paths_AreTheMountsWhere()
    {
        string where = File.ReadAllLines(SourceTree.File("systemd-units/run-btrfs_to_s3-spool.mount"))
            .Single(l => l.StartsWith("Where=", StringComparison.Ordinal))["Where=".Length..];
        string[] dropIn = File.ReadAllLines(SourceTree.File("systemd-units/spool-on-tmpfs.conf"));

        CollectionAssert.Contains(dropIn, $"RequiresMountsFor={where}");
        CollectionAssert.Contains(dropIn, $"ReadWritePaths={where}");
    }

    [TestMethod]
    public void Timer_Schedule_IsWeeklyAt2amAndPersistent()
    {
        string timer = File.ReadAllText(SourceTree.File("systemd-units/btrfs-to-s3.timer"));

        StringAssert.Contains(timer, "OnCalendar=Sun *-*-* 02:00:00");
        StringAssert.Contains(timer, "Persistent=true");
        StringAssert.Contains(timer, "Unit=btrfs-to-s3-spooler.service");
    }

    [TestMethod]
    public void Uploader_Restart_OnlyForWhatALaterTryCanMend()
    {
        string[] unit = File.ReadAllLines(SourceTree.File("systemd-units/btrfs-to-s3-uploader.service"));

        CollectionAssert.Contains(unit, "Restart=on-failure");
        string[] prevented = unit.Single(l => l.StartsWith("RestartPreventExitStatus=", StringComparison.Ordinal))[
                "RestartPreventExitStatus=".Length..
            ]
            .Split(' ');
        CollectionAssert.AreEquivalent(
            new[] { ExitCodes.Usage, ExitCodes.DataError, ExitCodes.Config }
                .Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .ToArray(),
            prevented
        );
    }
}
