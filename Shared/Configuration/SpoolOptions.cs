namespace BtrfsToS3.Shared.Configuration;

/// <summary>
/// The spool on the scratch disk. Quota bounds the bytes the spool may hold at once (the spooler pauses at it);
/// ChunkSize is the size of every chunk of a stream but the last.
/// </summary>
/// <param name="Dir">[spool] dir: an absolute path. Default <c>/var/spool/btrfs_to_s3</c>.</param>
/// <param name="Quota">[spool] quota: at least one chunk (ChunkSize). Default 450GiB.</param>
/// <param name="ChunkSize">[spool] chunk_size: from 1 byte to 5TiB, the largest object S3 stores. Default 200GiB.</param>
internal sealed record SpoolOptions(string Dir, long Quota, long ChunkSize)
{
    /// <summary>Reads and checks [spool].</summary>
    public static SpoolOptions Read(ConfigSection section)
    {
        long chunkSize = section.Size("chunk_size", min: 1, max: S3Limits.MaxChunkSize);
        long quota = section.Size("quota", min: 1, max: long.MaxValue);

        // The spooler pauses while one more chunk would not fit, so a spool smaller than a chunk would never write one.
        if (quota < chunkSize)
        {
            throw section.Error(
                "quota",
                $"{ByteSize.Format(quota)} is smaller than one chunk (chunk_size = {ByteSize.Format(chunkSize)}); the spool must hold at least one whole chunk");
        }

        return new SpoolOptions(section.AbsolutePath("dir"), quota, chunkSize);
    }
}
