using System.Text.Json.Serialization;
using BtrfsToS3.Shared.Format;

namespace BtrfsToS3.Shared.Spool;

/// <summary>
/// chunk-NNNNNN.json, the record beside a ready chunk, computed as it was written (never re-read): how many stream
/// bytes it holds, and of the bytes stored (as they left <c>btrfs send</c>, or encoded) their size, the SHA-256 that
/// the manifest carries, the CRC-32 of the whole chunk and the MD5 and CRC-32 of each upload part (which S3 checks on
/// arrival), and the ETag S3 must report for it when uploaded with PartSize (see docs/FORMAT.md, "Verifying a chunk").
/// </summary>
internal sealed record ChunkRecord(
    int FormatVersion,
    int Index,
    string Name,
    long Size,
    long StreamSize,
    string Sha256,
    string Crc32,
    long PartSize,
    IReadOnlyList<PartRecord> Parts,
    string Etag
) : IFormatVersioned, IStoredChunk
{
    [JsonIgnore]
    public int PartCount => Parts.Count;

    /// <summary>Size, SHA-256, ETag and CRC-32, compared only through <see cref="ChunkIdentity"/>.</summary>
    [JsonIgnore]
    public ChunkIdentity Identity => new(Size, Sha256, Etag, Crc32);

    /// <summary>Equal when every field is, the parts compared one by one (a record compares lists by
    /// reference).</summary>
    public bool Equals(ChunkRecord? other) =>
        other is not null
        && (FormatVersion, Index, Name, Size, StreamSize, Sha256, Crc32, PartSize, Etag)
            == (
                other.FormatVersion,
                other.Index,
                other.Name,
                other.Size,
                other.StreamSize,
                other.Sha256,
                other.Crc32,
                other.PartSize,
                other.Etag
            )
        && Parts.SequenceEqual(other.Parts);

    public override int GetHashCode() => HashCode.Combine(Index, Name, Size, Sha256, Etag);

    public void Validate(FieldCheck check) => Validate(check, string.Empty);

    /// <summary>
    /// Its name is its index's, its size and part size within S3's limits, and its parts as many as the part size cuts
    /// it into, each with an MD5 and CRC-32 of their form; the ETag is the one those MD5s make.
    /// </summary>
    /// <param name="field">What the fields are named under in the line (in a seal, <c>chunks[i].</c>).</param>
    public void Validate(FieldCheck check, string field)
    {
        check.That(Index >= 0, field + "index", Index, "must not be negative");
        check.That(
            Name == FormatGrammar.ChunkName(Index),
            field + "name",
            Name,
            $"is not {FormatGrammar.ChunkName(Index)}, the name of chunk {Index}"
        );
        check.That(
            Size >= 1 && Size <= Configuration.S3Limits.MaxChunkSize,
            field + "size",
            Size,
            "is not from 1 byte to 5 TiB"
        );
        check.That(StreamSize >= 0, field + "stream_size", StreamSize, "must not be negative");
        check.That(
            PartSize is >= 1 and <= Configuration.S3Limits.MaxPartSize,
            field + "part_size",
            PartSize,
            "is not from 1 byte to 5 GiB"
        );
        check.Text(Sha256, field + "sha256", FormatGrammar.Sha256, "is not a SHA-256 in lower-case hex");
        check.Text(Crc32, field + "crc32", FormatGrammar.Crc32, "is not a CRC-32 in base64");
        check.That(
            Hashing.PartSizing.FitsInParts(Size, PartSize),
            field + "part_size",
            PartSize,
            $"cuts the chunk's {Size} bytes into more parts than S3 allows"
        );
        int parts = Hashing.PartSizing.PartCount(Size, PartSize);
        check.List(Parts, field + "parts", Configuration.S3Limits.MaxPartsPerUpload);
        check.That(
            Parts.Count == parts,
            field + "parts",
            Parts.Count,
            $"must be the {parts} parts part_size cuts the chunk into"
        );
        for (int i = 0; i < Parts.Count; i++)
        {
            check.Text(Parts[i].Md5, $"{field}parts[{i}].md5", FormatGrammar.Md5, "is not an MD5 in lower-case hex");
            check.Text(Parts[i].Crc32, $"{field}parts[{i}].crc32", FormatGrammar.Crc32, "is not a CRC-32 in base64");
        }

        check.That(
            Etag == Hashing.S3Etag.FromPartMd5s([.. Parts.Select(p => Convert.FromHexString(p.Md5))]),
            field + "etag",
            Etag,
            "is not the ETag its parts' MD5s make"
        );
    }

    /// <summary>Byte offset and length of part <paramref name="number"/> (from 1) in the chunk file.</summary>
    public (long Offset, long Length) PartRange(int number)
    {
        long offset = (number - 1) * PartSize;
        return (offset, Math.Min(PartSize, Size - offset));
    }
}
