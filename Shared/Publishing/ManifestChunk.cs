using System.Text.Json.Serialization;
using BtrfsToS3.Shared.Format;
using BtrfsToS3.Shared.Spool;

namespace BtrfsToS3.Shared.Publishing;

/// <summary>
/// One chunk of a published stream: where it is, how many stream bytes it holds, and what its stored bytes must hash
/// to; in a versioned bucket, which version of its
/// key (null where the bucket keeps none): a reader reads that one, whatever was written over the key later.
/// </summary>
internal sealed record ManifestChunk(
    int Index,
    string Key,
    long Size,
    long StreamSize,
    string Sha256,
    string Etag,
    string Crc32,
    string? Version = null
) : IStoredChunk
{
    /// <summary>Size, SHA-256, ETag and CRC-32, compared only through <see cref="ChunkIdentity"/>.</summary>
    [JsonIgnore]
    public ChunkIdentity Identity => new(Size, Sha256, Etag, Crc32);
}
