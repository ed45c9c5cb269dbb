using System.Runtime.InteropServices;
using BtrfsToS3.Shared.IO;
using Mono.Unix.Native;

namespace BtrfsToS3.Shared.Btrfs;

/// <summary>
/// The btrfs filesystem UUID of a path, by the BTRFS_IOC_FS_INFO ioctl. Snapshots can only be made on the same
/// filesystem; st_dev cannot tell (every subvolume has its own), and <c>btrfs filesystem show</c> wants a mount point.
/// </summary>
internal static partial class FilesystemId
{
    // _IOR(0x94, 31, struct btrfs_ioctl_fs_info_args): the argument is 1024 bytes, the fsid at offset 16.
    private const ulong FsInfoRequest = 0x8400941F;
    private const int FsInfoSize = 1024;
    private const int FsidOffset = 16;

    /// <summary>The filesystem UUID, or null when the path is not on btrfs (or cannot be opened).</summary>
    public static Guid? Of(string path)
    {
        int fd = Syscall.open(path, OpenFlags.O_RDONLY | OpenFlags.O_CLOEXEC);
        if (fd < 0)
        {
            return null;
        }

        try
        {
            byte[] info = new byte[FsInfoSize];
            if (Ioctl(fd, FsInfoRequest, info) != 0)
            {
                return null;
            }

            return new Guid(info.AsSpan(FsidOffset, 16), bigEndian: true);
        }
        finally
        {
            Posix.Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int Ioctl(int fd, ulong request, [In, Out] byte[] argument);
}
