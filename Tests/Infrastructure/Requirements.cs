namespace BtrfsToS3.Tests.Infrastructure;

/// <summary>
/// Tests that claim something about btrfs need root and btrfs-progs. Outside CI a machine without them skips those
/// tests; in CI (CI=true) a skip would hide a missing install step, so it fails instead.
/// </summary>
internal static class Requirements
{
    public static void RootAndBtrfs()
    {
        string? missing = null;
        if (Environment.UserName != "root" && Mono.Unix.Native.Syscall.geteuid() != 0)
        {
            missing = "these tests need root (loop devices, mounts, btrfs snapshots)";
        }
        else if (!File.Exists("/usr/bin/btrfs") && !File.Exists("/bin/btrfs") && !File.Exists("/usr/sbin/btrfs") && !File.Exists("/sbin/btrfs"))
        {
            missing = "btrfs-progs is not installed (scripts/install-deps.sh installs it)";
        }

        if (missing is null)
        {
            return;
        }

        if (Environment.GetEnvironmentVariable("CI") == "true")
        {
            Assert.Fail($"CI=true and {missing}: a skipped btrfs test would hide it");
        }

        Assert.Inconclusive(missing);
    }
}
