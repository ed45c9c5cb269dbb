using BtrfsToS3.Shared.Format;
using BtrfsToS3.Shared.Spool;

namespace BtrfsToS3.Shared.Configuration;

/// <summary>
/// The spool on the scratch disk. Quota bounds the bytes the spool may hold at once (the spooler pauses at it);
/// ChunkSize is the number of stream bytes in every chunk of a stream but the last; Compression is how chunks hold
/// them.
/// </summary>
/// <param name="Dir">[spool] dir: an absolute path. Default <c>/var/spool/btrfs_to_s3</c>.</param>
/// <param name="Quota">[spool] quota: at least one chunk as stored (<see cref="ChunkEncoding.StoredBound"/>). Default
/// 450GiB.</param>
/// <param name="ChunkSize">[spool] chunk_size: from 1 byte to 5TiB as stored, the largest object S3 stores. Default
/// 200GiB.</param>
/// <param name="Compression">[spool] compression: none, zstd, zstd:LEVEL (1 to 19) or auto. Default auto.</param>
/// <param name="Catalog">[spool] catalog: yes (the default) writes a catalog of each stream's files beside its chunks
/// (docs/FORMAT.md, "Catalog"); no writes none.</param>
internal sealed record SpoolOptions(
    string Dir,
    long Quota,
    long ChunkSize,
    ChunkCompression Compression,
    bool Catalog = true
)
{
    /// <summary>Reads and checks [spool]; <paramref name="encrypted"/> says whether [encryption] makes chunks
    /// larger.</summary>
    public static SpoolOptions Read(ConfigSection section, bool encrypted)
    {
        string text = section.Text("compression");
        ChunkCompression compression = ChunkCompression.TryParse(text)
            ?? throw section.Error(
                "compression",
                $"\"{text}\" is not none, auto, zstd or zstd:LEVEL with a LEVEL from 1 to {ChunkCompression.MaxLevel}"
            );
        bool encoded = encrypted || !compression.IsNone;
        long chunkSize = section.Size("chunk_size", min: 1, max: S3Limits.MaxChunkSize);
        long stored = ChunkEncoding.StoredBound(chunkSize, encoded);
        if (stored > S3Limits.MaxChunkSize)
        {
            throw section.Error(
                "chunk_size",
                $"{ByteSize.Format(chunkSize)} of compressed or encrypted stream can take up to {ByteSize.Human(stored)} in S3, more than the {ByteSize.Format(S3Limits.MaxChunkSize)} an object may hold; lower it"
            );
        }

        long quota = section.Size("quota", min: 1, max: long.MaxValue);

        // The spooler pauses while one more chunk would not fit, so a spool smaller than a chunk would never write one.
        if (quota < stored)
        {
            throw section.Error(
                "quota",
                $"{ByteSize.Format(quota)} is smaller than one chunk (chunk_size = {ByteSize.Format(chunkSize)}{(encoded ? $", up to {ByteSize.Human(stored)} compressed or encrypted" : string.Empty)}); the spool must hold at least one whole chunk"
            );
        }

        return new SpoolOptions(
            section.AbsolutePath("dir"),
            quota,
            chunkSize,
            compression,
            section.Choice("catalog", "yes", "no") == "yes"
        );
    }
}
