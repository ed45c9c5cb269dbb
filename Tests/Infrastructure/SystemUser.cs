namespace BtrfsToS3.Tests.Infrastructure;

/// <summary>
/// The package's system user and group btrfs-to-s3, as its postinst makes them: taken as it is when the package (or an
/// earlier install) made it, else made here and removed again on dispose.
/// </summary>
internal sealed class SystemUser : IDisposable
{
    public const string Name = "btrfs-to-s3";

    private readonly bool _made;

    private SystemUser(bool made)
    {
        _made = made;
    }

    public static SystemUser Ensure()
    {
        if (Shell.TryRun("id", ["-u", Name]).Code == 0)
        {
            return new SystemUser(made: false);
        }

        Shell.Run(
            "useradd",
            "--system",
            "--user-group",
            "--no-create-home",
            "--home-dir",
            "/nonexistent",
            "--shell",
            "/usr/sbin/nologin",
            Name
        );
        return new SystemUser(made: true);
    }

    /// <summary>Hands a directory to the group as the package does: root:btrfs-to-s3, 2770.</summary>
    public static void ShareDirectory(string dir)
    {
        Shell.Run("chown", $"root:{Name}", dir);
        File.SetUnixFileMode(dir, (UnixFileMode)Convert.ToInt32("2770", 8));
    }

    /// <summary>A file the group reads and nobody else: root:btrfs-to-s3, 0640 (the configuration, the
    /// credentials).</summary>
    public static void ShareFile(string path)
    {
        Shell.Run("chown", $"root:{Name}", path);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
    }

    public void Dispose()
    {
        if (_made)
        {
            Shell.TryRun("userdel", [Name]);
            Shell.TryRun("groupdel", [Name]);
        }
    }
}
