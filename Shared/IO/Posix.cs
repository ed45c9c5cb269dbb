using System.Runtime.InteropServices;
using BtrfsToS3.Shared.Failures;
using Mono.Unix;
using Mono.Unix.Native;

namespace BtrfsToS3.Shared.IO;

/// <summary>The few POSIX calls .NET does not offer: fsync of a directory, free space by statvfs, the filesystem type
/// by statfs.</summary>
internal static partial class Posix
{
    private const uint TmpfsMagic = 0x01021994;

    // Larger than struct statfs on every Linux ABI (120 bytes on x86_64 and arm64).
    private const int StatfsSize = 256;

    /// <summary>Makes a rename or a new file in the directory durable: without it a crash can lose the entry
    /// itself.</summary>
    public static void FsyncDirectory(string directory)
    {
        int fd = Syscall.open(directory, OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY | OpenFlags.O_CLOEXEC);
        if (fd < 0)
        {
            throw Failure($"cannot open directory {directory} to fsync it");
        }

        try
        {
            if (Syscall.fsync(fd) != 0)
            {
                throw Failure($"fsync of directory {directory} failed");
            }
        }
        finally
        {
            Close(fd);
        }
    }

    /// <summary>
    /// Closes a descriptor whose close has nothing left to tell. Linux frees the descriptor even when close fails, so
    /// it is never retried; and every caller either only read, or wrote nothing yet, or has fsynced what it wrote (a
    /// write error surfaces there), or is giving the file up after a failure already reported.
    /// </summary>
    public static void Close(int fd) => _ = Syscall.close(fd);

    /// <summary>Bytes an unprivileged writer may still use on the filesystem that holds the path.</summary>
    public static long AvailableBytes(string path)
    {
        if (Syscall.statvfs(path, out Statvfs stat) != 0)
        {
            throw Failure($"statvfs of {path} failed");
        }

        return checked((long)(stat.f_bavail * stat.f_frsize));
    }

    /// <summary>The filesystem's total size, for quota checks against what it can hold at all.</summary>
    public static long TotalBytes(string path)
    {
        if (Syscall.statvfs(path, out Statvfs stat) != 0)
        {
            throw Failure($"statvfs of {path} failed");
        }

        return checked((long)(stat.f_blocks * stat.f_frsize));
    }

    /// <summary>Whether the path is on a tmpfs, whose files are memory. statvfs cannot tell: only statfs has
    /// f_type.</summary>
    public static bool IsTmpfs(string path)
    {
        byte[] stat = new byte[StatfsSize];
        if (Statfs(path, stat) != 0)
        {
            throw Failure($"statfs of {path} failed");
        }

        // f_type comes first: a long on 64-bit Linux, an unsigned int on s390x. The magic fits in 32 bits, so the first
        // four bytes read natively are it on every little-endian machine and on s390x alike.
        return BitConverter.ToUInt32(stat, 0) == TmpfsMagic;
    }

    private static BackupFailure Failure(string what)
    {
        Errno errno = Stdlib.GetLastError();
        return new BackupFailure(FailureKind.CannotCreate, $"{what}: {UnixMarshal.GetErrorDescription(errno)}");
    }

    [LibraryImport("libc", EntryPoint = "statfs", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Statfs(string path, [Out] byte[] stat);
}
