using System.Text.Json.Serialization;

namespace BtrfsToS3.Shared.Spool;

/// <summary>
/// chunk-NNNNNN.uploaded.json: the uploader verified the chunk in S3 and deleted its file. Stays in the stream's spool
/// directory until the stream is published. Version is the S3 version verified, in a versioned bucket (else null).
/// </summary>
internal sealed record UploadedRecord(
    int FormatVersion,
    int Index,
    string Name,
    string Key,
    long Size,
    string Sha256,
    string Etag,
    string Crc32,
    string StorageClass,
    DateTimeOffset VerifiedAt,
    double Seconds,
    int Retries,
    bool AlreadyThere,
    string? Version = null) : IFormatVersioned
{
    /// <summary>Size, SHA-256, ETag and CRC-32, compared only through <see cref="ChunkIdentity"/>.</summary>
    [JsonIgnore]
    public ChunkIdentity Identity => new(Size, Sha256, Etag, Crc32);
}
