using BtrfsToS3.Shared.IO;

namespace BtrfsToS3.Shared.Spool;

/// <summary>
/// The spool directory (docs/FORMAT.md, "Spool layout"): its locks, its streams, what it holds, and the restore area.
/// The spooler, the uploader, <c>status</c> and restore reach the spool only through this type and the two it hands
/// out (<see cref="SpoolStream"/>, <see cref="RestoreArea"/>); nothing else joins a spool path.
/// </summary>
internal sealed class SpoolDirectory(string dir)
{
    private static readonly EnumerationOptions Everything = new()
    {
        RecurseSubdirectories = true,
        IgnoreInaccessible = true,
        AttributesToSkip = 0,
    };

    public string Dir { get; } = dir;

    public bool SpoolerRunning => FileLock.IsHeld(Path.Combine(Dir, SpoolLayout.SpoolerLock));

    public bool UploaderRunning => FileLock.IsHeld(Path.Combine(Dir, SpoolLayout.UploaderLock));

    public FileLock LockSpooler() => FileLock.Acquire(Path.Combine(Dir, SpoolLayout.SpoolerLock), "spooler");

    public FileLock LockUploader() => FileLock.Acquire(Path.Combine(Dir, SpoolLayout.UploaderLock), "uploader");

    public FileLock LockRestore() => FileLock.Acquire(Path.Combine(Dir, SpoolLayout.RestoreLock), "restore");

    /// <summary>The stream of that name, whether or not the spool holds it.</summary>
    public SpoolStream Stream(string name) => new(ContainedPath.Join(Dir, name, "spool stream"), name);

    /// <summary>Makes the directory of a new stream, shared with the group (<see cref="GroupShared"/>), and makes its
    /// entry durable.</summary>
    public SpoolStream CreateStream(string name)
    {
        SpoolStream stream = Stream(name);
        GroupShared.CreateDirectory(stream.Dir);
        Posix.FsyncDirectory(Dir);
        return stream;
    }

    /// <summary>The streams in the spool, oldest first per subvolume, and whatever else is there that should not
    /// be.</summary>
    public (IReadOnlyList<SpoolStream> Streams, IReadOnlyList<string> Strays) Scan()
    {
        var streams = new List<SpoolStream>();
        var strays = new List<string>();
        foreach (string entry in Directory.EnumerateFileSystemEntries(Dir).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(entry);
            if (
                name
                is SpoolLayout.SpoolerLock
                    or SpoolLayout.UploaderLock
                    or SpoolLayout.RestoreLock
                    or SpoolLayout.RestoreDir
            )
            {
                continue;
            }

            if (Directory.Exists(entry) && SnapshotName.TryParse(name, out _, out _))
            {
                streams.Add(new SpoolStream(entry, name));
            }
            else
            {
                strays.Add(entry);
            }
        }

        return (streams, strays);
    }

    /// <summary>Where a restore downloads the chunks of one stream.</summary>
    public RestoreArea RestoreArea(string stream) =>
        new(ContainedPath.Join(Dir, $"{SpoolLayout.RestoreDir}/{stream}", "restore area"));

    /// <summary>Bytes of ready chunk files: what uploads will free. Headers, records and seals stay until
    /// publication.</summary>
    public long ReadyChunkBytes() => Sum(SpoolLayout.ReadyChunkPattern);

    /// <summary>
    /// Bytes of chunk data, whole or being written: what the quota bounds. The JSON files beside them (under 1 KiB
    /// each) are left out, so that a quota of N chunks holds N chunks; the free-space margin covers them on disk.
    /// </summary>
    public long ChunkDataBytes() => ReadyChunkBytes() + Sum(SpoolLayout.ReadyChunkPattern + AtomicFile.TempSuffix);

    /// <summary>Bytes of every file below the spool directory.</summary>
    public long Bytes() => Sum("*");

    /// <summary>Bytes an unprivileged writer may still use on the spool's filesystem.</summary>
    public long AvailableBytes() => Posix.AvailableBytes(Dir);

    private long Sum(string pattern)
    {
        long total = 0;
        foreach (FileInfo file in new DirectoryInfo(Dir).EnumerateFiles(pattern, Everything))
        {
            // The uploader deletes chunks (and whole streams) while we count: a vanished file simply no longer counts.
            try
            {
                total += file.Length;
            }
            catch (FileNotFoundException) { }
        }

        return total;
    }
}
