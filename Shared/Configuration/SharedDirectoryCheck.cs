using System.Globalization;
using Mono.Unix.Native;

namespace BtrfsToS3.Shared.Configuration;

/// <summary>
/// Refuses a spool or state directory that someone outside the sharing rule (<see cref="IO.GroupShared"/>) could
/// change: one that others may write, or one owned by a user other than root and the user running this. Such a user
/// could swap the files the spooler (root) trusts, or the state that chains the next incremental. Both programs check
/// at start, and so does every uploader command that uses the directories; the failure is exit 78, naming the directory
/// and its mode or owner.
/// </summary>
internal static class SharedDirectoryCheck
{
    public static void Check(string dir, string where)
    {
        if (Syscall.stat(dir, out Stat stat) != 0)
        {
            // A missing directory has its own line, from the caller's existence check.
            return;
        }

        string mode = Convert.ToString((int)stat.st_mode & 0xFFF, 8).PadLeft(4, '0');
        if ((stat.st_mode & FilePermissions.S_IWOTH) != 0)
        {
            throw ConfigError.At(
                where,
                $"{dir} is writable by others (mode {mode}); make it owner and group only (chmod o-rwx {dir}; the package makes it 2770 root:btrfs-to-s3)"
            );
        }

        uint self = Syscall.geteuid();
        if (stat.st_uid != 0 && stat.st_uid != self)
        {
            throw ConfigError.At(
                where,
                $"{dir} is owned by {UserName(stat.st_uid)} (mode {mode}), neither root nor {UserName(self)}, who runs this; give it to root (chown root {dir})"
            );
        }
    }

    private static string UserName(uint uid) =>
        Syscall.getpwuid(uid) is { } entry
            ? $"{entry.pw_name} (uid {uid.ToString(CultureInfo.InvariantCulture)})"
            : $"uid {uid.ToString(CultureInfo.InvariantCulture)}";
}
