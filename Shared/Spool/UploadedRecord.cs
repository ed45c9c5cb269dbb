using System.Text.Json.Serialization;
using BtrfsToS3.Shared.Format;

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
    string? Version = null
) : IFormatVersioned
{
    /// <summary>Size, SHA-256, ETag and CRC-32, compared only through <see cref="ChunkIdentity"/>.</summary>
    [JsonIgnore]
    public ChunkIdentity Identity => new(Size, Sha256, Etag, Crc32);

    /// <summary>Its name and key those of its index (its stream's own key is checked by the uploader, who knows the
    /// prefix), hashes of their form.</summary>
    public void Validate(FieldCheck check)
    {
        check.That(Index >= 0, "index", Index, "must not be negative");
        check.That(
            Name == FormatGrammar.ChunkName(Index),
            "name",
            Name,
            $"is not {FormatGrammar.ChunkName(Index)}, the name of chunk {Index}"
        );
        check.That(
            Key is not null
                && Key.Length <= FormatGrammar.MaxKeyLength
                && Key.EndsWith("/" + Name, StringComparison.Ordinal),
            "key",
            Key,
            $"is not a key of {Name}"
        );
        check.That(Size >= 1, "size", Size, "must be at least 1");
        check.Text(Sha256, "sha256", FormatGrammar.Sha256, "is not a SHA-256 in lower-case hex");
        check.Text(Etag, "etag", FormatGrammar.Etag, "is not an ETag");
        check.Text(Crc32, "crc32", FormatGrammar.Crc32, "is not a CRC-32 in base64");
        check.Text(StorageClass, "storage_class", FormatGrammar.StorageClass, "is not an S3 storage class");
        check.That(Version is null || FormatGrammar.S3Id(Version), "version", Version, "is not an S3 version id");
    }
}
