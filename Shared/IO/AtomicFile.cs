namespace BtrfsToS3.Shared.IO;

/// <summary>
/// Writes a small file so that readers see either nothing or the whole of it, also across a crash:
/// temporary name, write, fsync, rename, fsync the directory (as restic's local backend does).
/// </summary>
internal static class AtomicFile
{
    /// <summary>Suffix of files still being written; readers ignore them and recovery removes them.</summary>
    public const string TempSuffix = ".tmp";

    /// <summary>Owner-only: the spool and state say what is backed up and when, which is nobody else's business.</summary>
    public const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <param name="overwrite">False for files that are never rewritten once published (headers, seals): an existing one is an error.</param>
    public static void Write(string path, ReadOnlySpan<byte> content, bool overwrite, UnixFileMode mode = OwnerOnlyFile)
    {
        string temp = path + TempSuffix;
        using (var stream = new FileStream(temp, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            Share = FileShare.None,
            UnixCreateMode = mode,
        }))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite);
        Posix.FsyncDirectory(Path.GetDirectoryName(path)!);
    }
}
