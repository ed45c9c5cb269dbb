namespace BtrfsToS3.Shared.IO;

/// <summary>
/// Writes a small file so that readers see either nothing or the whole of it, also across a crash:
/// temporary name, write, fsync, rename, fsync the directory (as restic's local backend does). The temporary file is
/// made exclusively and never through a symbolic link (<see cref="ExclusiveFile"/>); rename(2) replaces a link at the
/// final name rather than following it.
/// </summary>
internal static class AtomicFile
{
    /// <summary>Suffix of files still being written; readers ignore them and recovery removes them.</summary>
    public const string TempSuffix = ".tmp";

    /// <param name="overwrite">False for files that are never rewritten once published (headers, seals): an existing
    /// one is an error.</param>
    /// <param name="mode">The file's mode: the spool and state's <see cref="GroupShared.FileMode"/> unless said
    /// otherwise.</param>
    public static void Write(
        string path,
        ReadOnlySpan<byte> content,
        bool overwrite,
        UnixFileMode mode = GroupShared.FileMode
    )
    {
        string temp = path + TempSuffix;
        using (FileStream stream = ExclusiveFile.Create(temp, mode))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite);
        Posix.FsyncDirectory(Path.GetDirectoryName(path)!);
    }
}
