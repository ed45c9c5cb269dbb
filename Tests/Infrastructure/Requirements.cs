namespace BtrfsToS3.Tests.Infrastructure;

/// <summary>
/// Tests that claim something about btrfs need root and btrfs-progs, those that mount a tmpfs need root. Outside CI a
/// machine without them skips those tests; in CI (CI=true) a skip would hide a missing install step, so it fails
/// instead.
/// </summary>
internal static class Requirements
{
    public static void Root()
    {
        if (!IsRoot())
        {
            Skip("these tests need root (mounts)");
        }
    }

    public static void RootAndBtrfs()
    {
        if (!IsRoot())
        {
            Skip("these tests need root (loop devices, mounts, btrfs snapshots)");
        }
        else if (
            !File.Exists("/usr/bin/btrfs")
            && !File.Exists("/bin/btrfs")
            && !File.Exists("/usr/sbin/btrfs")
            && !File.Exists("/sbin/btrfs")
        )
        {
            Skip("btrfs-progs is not installed (scripts/install-deps.sh installs it)");
        }
    }

    private static bool IsRoot() => Environment.UserName == "root" || Mono.Unix.Native.Syscall.geteuid() == 0;

    private static void Skip(string missing)
    {
        if (Environment.GetEnvironmentVariable("CI") == "true")
        {
            Assert.Fail($"CI=true and {missing}: a skipped test would hide it");
        }

        Assert.Inconclusive(missing);
    }
}
