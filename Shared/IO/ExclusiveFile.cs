using BtrfsToS3.Shared.Failures;

namespace BtrfsToS3.Shared.IO;

/// <summary>
/// Opens a temporary file as O_CREAT|O_EXCL|O_NOFOLLOW would: the kernel refuses O_EXCL on any name that exists, a
/// symbolic link included (dangling or not: open(2)), so the write can never follow a link that someone who may write
/// the directory put in its place (a metrics_file in a directory another user owns, the group-shared spool).
/// </summary>
internal static class ExclusiveFile
{
    /// <summary>
    /// Creates the file with exactly <paramref name="mode"/>, whatever the umask. A regular file already there is the
    /// leftover of a crashed run and is replaced; a symbolic link there is refused with one line naming it.
    /// </summary>
    public static FileStream Create(
        string path,
        UnixFileMode mode,
        FileAccess access = FileAccess.Write,
        FileOptions options = FileOptions.None
    )
    {
        RefuseLink(path);
        File.Delete(path);
        FileStream stream;
        try
        {
            stream = new FileStream(
                path,
                new FileStreamOptions
                {
                    Mode = FileMode.CreateNew,
                    Access = access,
                    Share = FileShare.None,
                    Options = options,
                    BufferSize = 0,
                    UnixCreateMode = mode,
                }
            );
        }
        catch (IOException)
        {
            // Something was made at the name between the delete and the open; a link gets its own line.
            RefuseLink(path);
            throw;
        }

        File.SetUnixFileMode(stream.SafeFileHandle, mode);
        return stream;
    }

    /// <summary>Throws the one-line failure when a symbolic link sits where a new file is to be made (lstat, not
    /// stat).</summary>
    public static void RefuseLink(string path)
    {
        if (new FileInfo(path).LinkTarget is not null)
        {
            throw new BackupFailure(
                FailureKind.CannotCreate,
                $"{path} is a symbolic link where a temporary file is to be made; refusing to write through it (who may write {Path.GetDirectoryName(path)} put it there)"
            );
        }
    }
}
