using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.Format;
using BtrfsToS3.Shared.IO;

namespace BtrfsToS3.Shared.Spool;

/// <summary>
/// One stream's directory in the spool and the write order of docs/FORMAT.md inside it: the header first, each chunk
/// as a temporary file that gets its record and then its final name, the uploaded record before the chunk file goes,
/// the seal last; and the removal of the whole stream once it is published or abandoned.
/// </summary>
internal sealed class SpoolStream
{
    internal SpoolStream(string dir, string name)
    {
        Dir = dir;
        Name = name;
        // The one caller, SpoolDirectory, makes a stream only of a name it has parsed as a snapshot name.
        _ = SnapshotName.TryParse(name, out string subvolume, out _);
        Subvolume = subvolume;
    }

    /// <summary>The stream's name, which is its snapshot's: <c>&lt;subvolume&gt;.&lt;UTC time&gt;</c>.</summary>
    public string Name { get; }

    public string Subvolume { get; }

    /// <summary>The directory, for messages; files in it are reached through this type.</summary>
    public string Dir { get; }

    public bool Exists => Path.Exists(Dir);

    public bool HasHeader => File.Exists(HeaderPath);

    public bool IsSealed => File.Exists(SealPath);

    /// <summary>True when a chunk of the stream is damaged and a person must act before anything of it is
    /// sent.</summary>
    public bool IsHeld => File.Exists(HeldPath);

    private string HeaderPath => Path.Combine(Dir, SpoolLayout.Header);

    private string SealPath => Path.Combine(Dir, SpoolLayout.Seal);

    private string HeldPath => Path.Combine(Dir, SpoolLayout.Held);

    /// <summary>The stream's catalog, once written whole (<c>catalog</c>; <c>catalog.tmp</c> while it is being
    /// written).</summary>
    public string CatalogPath => Path.Combine(Dir, SpoolLayout.Catalog);

    public StreamHeader ReadHeader() => SpoolFiles.Read(HeaderPath, FormatJson.Default.StreamHeader);

    /// <summary>Written once, atomically, before the first chunk.</summary>
    public void WriteHeader(StreamHeader header) =>
        SpoolFiles.Write(HeaderPath, header, FormatJson.Default.StreamHeader, overwrite: false);

    public Seal ReadSeal() => SpoolFiles.Read(SealPath, FormatJson.Default.Seal);

    /// <summary>Written once, atomically, last: the stream is whole.</summary>
    public void WriteSeal(Seal seal) => SpoolFiles.Write(SealPath, seal, FormatJson.Default.Seal, overwrite: false);

    /// <summary>Where chunk <paramref name="index"/> is written before it is whole.</summary>
    public string ChunkTempPath(int index) => Path.Combine(Dir, SpoolLayout.ChunkName(index) + AtomicFile.TempSuffix);

    /// <summary>
    /// Makes a written, fsynced chunk ready: its record atomically first, then the final name, then the directory
    /// fsynced, so that a file with a final chunk name is always whole and has its record beside it.
    /// </summary>
    public void CommitChunk(ChunkRecord record)
    {
        SpoolFiles.Write(
            Path.Combine(Dir, SpoolLayout.RecordName(record.Index)),
            record,
            FormatJson.Default.ChunkRecord,
            overwrite: false
        );
        CrashPoint.Reached("spooler-before-chunk-rename");
        File.Move(ChunkTempPath(record.Index), Path.Combine(Dir, record.Name), overwrite: false);
        Posix.FsyncDirectory(Dir);
        CrashPoint.Reached("spooler-after-chunk-rename");
    }

    /// <summary>Removes every chunk file, record, catalog and temporary file of an earlier attempt; the header
    /// stays.</summary>
    public void DiscardChunks()
    {
        foreach (string file in Directory.EnumerateFiles(Dir))
        {
            string name = Path.GetFileName(file);
            if (
                name.StartsWith(SpoolLayout.ChunkPrefix, StringComparison.Ordinal)
                || name == SpoolLayout.Catalog
                || name.EndsWith(AtomicFile.TempSuffix, StringComparison.Ordinal)
            )
            {
                File.Delete(file);
            }
        }

        Posix.FsyncDirectory(Dir);
    }

    /// <summary>
    /// Ready chunks: a final chunk name with its record beside it, in chunk order. Empty when the stream has no header
    /// yet, or while a spooler starting over discards its chunks (the next look sees what is left).
    /// </summary>
    public IReadOnlyList<ReadyChunk> ReadyChunks()
    {
        var ready = new List<ReadyChunk>();
        if (!HasHeader)
        {
            return ready;
        }

        try
        {
            StreamHeader header = ReadHeader();
            foreach (
                string data in Directory
                    .EnumerateFiles(Dir, SpoolLayout.ReadyChunkPattern)
                    .Order(StringComparer.Ordinal)
            )
            {
                string recordPath = data + SpoolLayout.RecordSuffix;
                if (File.Exists(recordPath))
                {
                    ready.Add(
                        new ReadyChunk(this, header, SpoolFiles.Read(recordPath, FormatJson.Default.ChunkRecord), data)
                    );
                }
            }
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return [];
        }

        return ready;
    }

    /// <summary>True while chunk <paramref name="index"/>'s file waits in the spool.</summary>
    public bool HoldsChunk(int index) => File.Exists(Path.Combine(Dir, SpoolLayout.ChunkName(index)));

    /// <summary>The uploader's record of chunk <paramref name="index"/>, or null when it was not verified in S3
    /// yet.</summary>
    public UploadedRecord? ReadUploaded(int index)
    {
        string path = Path.Combine(Dir, SpoolLayout.UploadedName(index));
        return File.Exists(path) ? SpoolFiles.Read(path, FormatJson.Default.UploadedRecord) : null;
    }

    /// <summary>
    /// The chunk is verified in S3: its uploaded record is written atomically, and only then its file goes, and with it
    /// the record of its multipart upload.
    /// </summary>
    public void MarkUploaded(ReadyChunk chunk, UploadedRecord uploaded)
    {
        SpoolFiles.Write(
            Path.Combine(Dir, SpoolLayout.UploadedName(uploaded.Index)),
            uploaded,
            FormatJson.Default.UploadedRecord,
            overwrite: true
        );
        File.Delete(chunk.DataPath);
        File.Delete(UploadPath(uploaded.Index));
        Posix.FsyncDirectory(Dir);
    }

    /// <summary>
    /// The record of chunk <paramref name="index"/>'s multipart upload in progress, or null when there is none. One
    /// that cannot be read counts as none: it is only a hint (S3 proves which parts it holds), and the upload it named
    /// is an orphan, aborted in time like any other.
    /// </summary>
    public UploadRecord? ReadUpload(int index)
    {
        string path = UploadPath(index);
        try
        {
            return File.Exists(path) ? SpoolFiles.Read(path, FormatJson.Default.UploadRecord) : null;
        }
        catch (BackupFailure e) when (e.Kind == FailureKind.BadData)
        {
            return null;
        }
    }

    /// <summary>Written atomically, replacing the last one: the upload's id, and the parts S3 confirmed so
    /// far.</summary>
    public void WriteUpload(UploadRecord upload) =>
        SpoolFiles.Write(UploadPath(upload.Index), upload, FormatJson.Default.UploadRecord, overwrite: true);

    /// <summary>The upload the record names is gone (S3 no longer knows it, or it was aborted).</summary>
    public void ForgetUpload(int index)
    {
        File.Delete(UploadPath(index));
        Posix.FsyncDirectory(Dir);
    }

    public HeldRecord ReadHeld() => SpoolFiles.Read(HeldPath, FormatJson.Default.HeldRecord);

    /// <summary>Written once, atomically: the stream stays in the spool, untouched, for a person.</summary>
    public void Hold(HeldRecord held) =>
        SpoolFiles.Write(HeldPath, held, FormatJson.Default.HeldRecord, overwrite: false);

    private string UploadPath(int index) => Path.Combine(Dir, SpoolLayout.UploadName(index));

    /// <summary>Chunks waiting, chunks uploaded, and bytes held, for <c>status</c>.</summary>
    public (int Ready, int Uploaded, long Bytes) Usage()
    {
        if (!Directory.Exists(Dir))
        {
            return (0, 0, 0);
        }

        string[] files = Directory.GetFiles(Dir);
        return (
            Directory.GetFiles(Dir, SpoolLayout.ReadyChunkPattern).Length,
            files.Count(f => f.EndsWith(SpoolLayout.UploadedSuffix, StringComparison.Ordinal)),
            files.Sum(f => new FileInfo(f).Length)
        );
    }

    /// <summary>Removes the stream's directory (published, or abandoned unsealed) and makes that durable.</summary>
    public void Remove()
    {
        if (Directory.Exists(Dir))
        {
            Directory.Delete(Dir, recursive: true);
            Posix.FsyncDirectory(Path.GetDirectoryName(Dir)!);
        }
    }
}
