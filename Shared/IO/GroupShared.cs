using BtrfsToS3.Shared.Failures;
using Mono.Unix.Native;

namespace BtrfsToS3.Shared.IO;

/// <summary>
/// The one rule for what both programs make in the spool and state directories (docs/FORMAT.md, "Spool layout"):
/// owner and group may read and write, others nothing. The spooler runs as root and the uploader as the system user
/// btrfs-to-s3; they share the directories through its group, which a setgid directory (the package makes both 2770
/// root:btrfs-to-s3) hands to every file and directory made in it. The spool and state still say what is backed up and
/// when, which is nobody else's business.
/// </summary>
internal static class GroupShared
{
    /// <summary>0660.</summary>
    public const UnixFileMode FileMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite;

    /// <summary>0770; the setgid bit comes from the parent directory (mkdir(2) keeps it), never from this
    /// mode.</summary>
    public const UnixFileMode DirectoryMode = FileMode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute;

    /// <summary>
    /// Sets the process's umask to 0007, once at start, so that a caller's umask (022 in a root shell) cannot take the
    /// group's write away from what the code makes with the modes above, and whatever else the process or a library
    /// makes gets nothing for others either.
    /// </summary>
    public static void ApplyUmask() => Syscall.umask(FilePermissions.S_IRWXO);

    /// <summary>
    /// Makes a directory of the spool (a stream's, the restore area's) and proves it is one: a symbolic link someone
    /// put at its name would send our files, and later our recursive delete, wherever it points.
    /// </summary>
    public static void CreateDirectory(string path)
    {
        Directory.CreateDirectory(path, DirectoryMode);
        // Looked at after the mkdir, so that a link made just before it is caught too (lstat, not stat).
        if (new DirectoryInfo(path).LinkTarget is not null)
        {
            throw new BackupFailure(
                FailureKind.CannotCreate,
                $"{path} is a symbolic link where a directory is to be made; refusing to write through it"
            );
        }
    }
}
