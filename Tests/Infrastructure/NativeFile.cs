using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace BtrfsToS3.Tests.Infrastructure;

/// <summary>The file calls neither .NET nor Mono.Posix offers, for histories on btrfs: fallocate(2) with its modes, and
/// the clone ioctls <c>cp --reflink</c> uses. Each returns 0 or the errno, for the caller to judge.</summary>
internal static class NativeFile
{
    private const int KeepSize = 1;
    private const int PunchHoleMode = 2;

    // _IOW(0x94, 9, int) and _IOW(0x94, 13, struct file_clone_range), from linux/fs.h.
    private const ulong Ficlone = 0x40049409;
    private const ulong Ficlonerange = 0x4020940D;

    /// <summary>fallocate(2): allocates, growing the file unless <paramref name="keepSize"/>.</summary>
    public static int Allocate(SafeFileHandle file, bool keepSize, long offset, long length) =>
        Result(Fallocate(Fd(file), keepSize ? KeepSize : 0, offset, length));

    /// <summary>fallocate(2) with FALLOC_FL_PUNCH_HOLE (which needs FALLOC_FL_KEEP_SIZE).</summary>
    public static int PunchHole(SafeFileHandle file, long offset, long length) =>
        Result(Fallocate(Fd(file), PunchHoleMode | KeepSize, offset, length));

    /// <summary>FICLONE: <paramref name="destination"/> shares all of <paramref name="source"/>'s extents.</summary>
    public static int Clone(SafeFileHandle destination, SafeFileHandle source) =>
        Result(Ioctl(Fd(destination), Ficlone, (ulong)Fd(source)));

    /// <summary>FICLONERANGE: <paramref name="length"/> bytes (0: to the source's end) of <paramref name="source"/>
    /// from <paramref name="sourceOffset"/> shared into <paramref name="destination"/> at
    /// <paramref name="destinationOffset"/>.</summary>
    public static int CloneRange(
        SafeFileHandle destination,
        long destinationOffset,
        SafeFileHandle source,
        long sourceOffset,
        long length
    ) => Result(Ioctl(Fd(destination), Ficlonerange, [Fd(source), sourceOffset, length, destinationOffset]));

    private static int Fd(SafeFileHandle file) => (int)file.DangerousGetHandle();

    private static int Result(int returned) => returned == 0 ? 0 : Marshal.GetLastPInvokeError();

    [DllImport("libc", EntryPoint = "fallocate", SetLastError = true)]
    private static extern int Fallocate(int fd, int mode, long offset, long length);

    [DllImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static extern int Ioctl(int fd, ulong request, ulong argument);

    // struct file_clone_range: src_fd (s64), src_offset, src_length, dest_offset (u64).
    [DllImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static extern int Ioctl(int fd, ulong request, long[] range);
}
