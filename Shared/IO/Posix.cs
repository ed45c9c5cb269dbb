using BtrfsToS3.Shared.Failures;
using Mono.Unix;
using Mono.Unix.Native;

namespace BtrfsToS3.Shared.IO;

/// <summary>The few POSIX calls .NET does not offer: fsync of a directory and free space by statvfs.</summary>
internal static class Posix
{
    /// <summary>Makes a rename or a new file in the directory durable: without it a crash can lose the entry itself.</summary>
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
            Syscall.close(fd);
        }
    }

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

    private static BackupFailure Failure(string what)
    {
        Errno errno = Stdlib.GetLastError();
        return new BackupFailure(FailureKind.CannotCreate, $"{what}: {UnixMarshal.GetErrorDescription(errno)}");
    }
}
