using BtrfsToS3.Shared.IO;

namespace BtrfsToS3.Shared.Spool;

/// <summary>
/// <c>restore/&lt;stream&gt;/</c> in the spool: a chunk downloads as <c>chunk-NNNNNN.tmp</c> and gets its final name
/// only once its SHA-256 matched the manifest, so a final name there means verified, and an interrupted restore keeps
/// it.
/// </summary>
internal sealed class RestoreArea(string dir)
{
    public string Dir { get; } = dir;

    public void Create() => GroupShared.CreateDirectory(Dir);

    /// <summary>The verified chunk's path.</summary>
    public string ChunkPath(int index) => Path.Combine(Dir, SpoolLayout.ChunkName(index));

    /// <summary>Where the chunk downloads before it is verified.</summary>
    public string TempPath(int index) => ChunkPath(index) + AtomicFile.TempSuffix;

    /// <summary>The download is verified: it takes its final name, durably.</summary>
    public void Commit(int index)
    {
        File.Move(TempPath(index), ChunkPath(index), overwrite: true);
        Posix.FsyncDirectory(Dir);
    }

    /// <summary>The stream was received: nothing of it is needed any more.</summary>
    public void Remove() => Directory.Delete(Dir, recursive: true);
}
