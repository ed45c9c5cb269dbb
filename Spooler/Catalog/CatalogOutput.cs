using System.Security.Cryptography;
using BtrfsToS3.Shared.Crypto;
using BtrfsToS3.Shared.Format;
using BtrfsToS3.Shared.IO;

namespace BtrfsToS3.Spooler.Catalog;

/// <summary>
/// The catalog file of a stream being written (docs/FORMAT.md, "Catalog"): its JSON lines encoded as a chunk is, with
/// zstd level 3 whatever the stream's compression (catalog lines shrink several times where chunk bytes may not) and
/// the stream's recipients (file names are data too), into <c>catalog.tmp</c>; committed as <c>catalog</c> with the
/// record the seal names, or abandoned.
/// </summary>
internal sealed class CatalogOutput : IDisposable
{
    private static readonly ChunkCompression Compression = new(3, Auto: false);

    private readonly string _tempPath;
    private readonly string _path;
    private readonly FileStream _file;
    private readonly ChunkEncoder _encoder;
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _size;
    private long _lines;
    private bool _done;

    public CatalogOutput(string path, IReadOnlyList<AgeRecipient> recipients)
    {
        _path = path;
        _tempPath = path + AtomicFile.TempSuffix;
        _encoder = ChunkEncoder.For(Compression, recipients)!;
        _file = ExclusiveFile.Create(_tempPath, GroupShared.FileMode);
    }

    /// <summary>Adds whole lines; throws <see cref="CatalogTooLargeException"/> once the stored bytes pass
    /// <see cref="CatalogRecord.MaxSize"/>.</summary>
    public void Write(ReadOnlySpan<byte> lines, int count)
    {
        _lines += count;
        Store(_encoder.Encode(lines).Span);
    }

    /// <summary>Finishes the file, fsyncs it, renames it to its final name and fsyncs the directory; returns what the
    /// seal is to name.</summary>
    public CatalogRecord Commit()
    {
        Store(_encoder.Finish().Span);
        _file.Flush(flushToDisk: true);
        _file.Dispose();
        File.Move(_tempPath, _path, overwrite: false);
        Posix.FsyncDirectory(Path.GetDirectoryName(_path)!);
        _done = true;
        return new CatalogRecord(_size, Convert.ToHexStringLower(_sha256.GetHashAndReset()), _lines);
    }

    /// <summary>Removes what was written; the stream is sealed without a catalog.</summary>
    public void Dispose()
    {
        _file.Dispose();
        _encoder.Dispose();
        _sha256.Dispose();
        if (!_done)
        {
            File.Delete(_tempPath);
        }
    }

    private void Store(ReadOnlySpan<byte> stored)
    {
        _size += stored.Length;
        if (_size > CatalogRecord.MaxSize)
        {
            throw new CatalogTooLargeException();
        }

        _sha256.AppendData(stored);
        _file.Write(stored);
    }
}
