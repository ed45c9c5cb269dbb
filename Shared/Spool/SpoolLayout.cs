using System.Globalization;

namespace BtrfsToS3.Shared.Spool;

/// <summary>
/// File names in the spool, as docs/FORMAT.md lays them out. Only <see cref="SpoolDirectory"/>,
/// <see cref="SpoolStream"/> and <see cref="RestoreArea"/> join them into paths.
/// <code>
/// spool/
///   spooler.lock, uploader.lock, restore.lock
///   data.20261125T020000Z/           one directory per stream, named after its snapshot
///     stream.json                    header, written first
///     chunk-000000 + chunk-000000.json   a ready chunk and its record
///     chunk-000000.upload.json       the multipart upload in progress: its id and the parts S3 confirmed
///     chunk-000000.uploaded.json     the uploader verified it in S3 (its file is gone)
///     chunk-000001.tmp               a chunk being written
///     catalog.tmp, catalog           the stream's catalog being written, and written (the seal names it)
///     seal.json                      written last: the stream is whole
///     held.json                      a chunk is damaged: nothing of the stream is sent until a person acts
///   restore/data.20261125T020000Z/   a restore's downloaded, verified chunks
/// </code>
/// </summary>
internal static class SpoolLayout
{
    public const string SpoolerLock = "spooler.lock";
    public const string UploaderLock = "uploader.lock";
    public const string RestoreLock = "restore.lock";

    /// <summary>Where a restore keeps downloaded, verified chunks until they are received.</summary>
    public const string RestoreDir = "restore";
    public const string Header = "stream.json";
    public const string Seal = "seal.json";
    public const string ChunkPrefix = "chunk-";
    public const string RecordSuffix = ".json";
    public const string UploadedSuffix = ".uploaded.json";
    public const string UploadSuffix = ".upload.json";
    public const string Held = "held.json";
    public const string Catalog = "catalog";

    /// <summary>The file pattern of ready chunks: a final chunk name, no suffix.</summary>
    public const string ReadyChunkPattern = ChunkPrefix + "??????";

    public static string ChunkName(int index) => ChunkPrefix + index.ToString("D6", CultureInfo.InvariantCulture);

    public static string RecordName(int index) => ChunkName(index) + RecordSuffix;

    public static string UploadedName(int index) => ChunkName(index) + UploadedSuffix;

    public static string UploadName(int index) => ChunkName(index) + UploadSuffix;
}
