using System.Globalization;
using System.Text;
using BtrfsToS3.Shared.Failures;
using Mono.Unix;
using Mono.Unix.Native;

namespace BtrfsToS3.Shared.IO;

/// <summary>
/// An exclusive fcntl lock on a file, held for the life of the process. The kernel drops it when the process dies,
/// however it dies, so a lock file left behind by a killed run is never mistaken for a live one.
/// fcntl locks belong to the process: two locks taken inside one process do not exclude each other.
/// </summary>
internal sealed class FileLock : IDisposable
{
    private int _fd;

    private FileLock(int fd, string path)
    {
        _fd = fd;
        Path = path;
    }

    public string Path { get; }

    /// <summary>Takes the lock or throws a TryAgainLater failure naming the holder's pid.</summary>
    public static FileLock Acquire(string path, string what)
    {
        // O_NOFOLLOW: the spool is shared with the uploader's group, and a link put at a lock's name must not make root
        // open (and truncate) whatever it points to. Group read and write: the uploader looks at the spooler's lock.
        const FilePermissions mode = (FilePermissions)GroupShared.FileMode;
        int fd = Syscall.open(
            path,
            OpenFlags.O_RDWR | OpenFlags.O_CREAT | OpenFlags.O_NOFOLLOW | OpenFlags.O_CLOEXEC,
            mode
        );
        if (fd < 0)
        {
            Errno error = Stdlib.GetLastError();
            throw new BackupFailure(
                FailureKind.CannotCreate,
                error == Errno.ELOOP
                    ? $"lock file {path} is a symbolic link; refusing to open it (who may write {System.IO.Path.GetDirectoryName(path)} put it there)"
                    : $"cannot open lock file {path}: {UnixMarshal.GetErrorDescription(error)}"
            );
        }

        var request = new Flock
        {
            l_type = LockType.F_WRLCK,
            l_whence = SeekFlags.SEEK_SET,
            l_start = 0,
            l_len = 0,
        };
        if (Syscall.fcntl(fd, FcntlCommand.F_SETLK, ref request) != 0)
        {
            Errno error = Stdlib.GetLastError();
            var probe = new Flock
            {
                l_type = LockType.F_WRLCK,
                l_whence = SeekFlags.SEEK_SET,
                l_start = 0,
                l_len = 0,
            };
            string holder =
                Syscall.fcntl(fd, FcntlCommand.F_GETLK, ref probe) == 0 && probe.l_type != LockType.F_UNLCK
                    ? $" (pid {probe.l_pid})"
                    : string.Empty;
            Posix.Close(fd);
            if (error is Errno.EAGAIN or Errno.EACCES)
            {
                throw new BackupFailure(
                    FailureKind.TryAgainLater,
                    $"another {what} is running{holder}: it holds the lock {path}"
                );
            }

            throw new BackupFailure(
                FailureKind.CannotCreate,
                $"cannot lock {path}: {UnixMarshal.GetErrorDescription(error)}"
            );
        }

        // The pid in the file is for people reading it; the lock itself is the truth, so a failed truncate or write
        // only leaves the note stale.
        byte[] pid = Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
        _ = Syscall.ftruncate(fd, 0);
        unsafe
        {
            fixed (byte* p = pid)
            {
                _ = Syscall.pwrite(fd, p, (ulong)pid.Length, 0);
            }
        }

        return new FileLock(fd, path);
    }

    /// <summary>True when some process holds the lock on the file now (the uploader asks this of the spooler's
    /// lock).</summary>
    public static bool IsHeld(string path)
    {
        int fd = Syscall.open(path, OpenFlags.O_RDONLY | OpenFlags.O_NOFOLLOW | OpenFlags.O_CLOEXEC);
        if (fd < 0)
        {
            return false;
        }

        try
        {
            var probe = new Flock
            {
                l_type = LockType.F_WRLCK,
                l_whence = SeekFlags.SEEK_SET,
                l_start = 0,
                l_len = 0,
            };
            return Syscall.fcntl(fd, FcntlCommand.F_GETLK, ref probe) == 0 && probe.l_type != LockType.F_UNLCK;
        }
        finally
        {
            Posix.Close(fd);
        }
    }

    public void Dispose()
    {
        int fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            Posix.Close(fd);
        }
    }
}
