using System.Text.Json.Serialization;

namespace BtrfsToS3.Shared.Spool;

/// <summary>
/// chunk-NNNNNN.json, the record beside a ready chunk, computed as it was written (never re-read): how many stream
/// bytes it holds, and of the bytes stored (as they left <c>btrfs send</c>, or encoded) their size, the SHA-256 that the manifest carries, the CRC-32 of the whole chunk and the MD5 and CRC-32 of each upload part
/// (which S3 checks on arrival), and the ETag S3 must report for it when uploaded with PartSize
/// (see docs/FORMAT.md, "Verifying a chunk").
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
    string Etag) : IFormatVersioned
{
    [JsonIgnore]
    public int PartCount => Parts.Count;

    /// <summary>Size, SHA-256, ETag and CRC-32, compared only through <see cref="ChunkIdentity"/>.</summary>
    [JsonIgnore]
    public ChunkIdentity Identity => new(Size, Sha256, Etag, Crc32);

    /// <summary>Equal when every field is, the parts compared one by one (a record compares lists by reference).</summary>
    public bool Equals(ChunkRecord? other) =>
        other is not null
        && (FormatVersion, Index, Name, Size, StreamSize, Sha256, Crc32, PartSize, Etag) == (other.FormatVersion, other.Index, other.Name, other.Size, other.StreamSize, other.Sha256, other.Crc32, other.PartSize, other.Etag)
        && Parts.SequenceEqual(other.Parts);

    public override int GetHashCode() => HashCode.Combine(Index, Name, Size, Sha256, Etag);

    /// <summary>Byte offset and length of part <paramref name="number"/> (from 1) in the chunk file.</summary>
    public (long Offset, long Length) PartRange(int number)
    {
        long offset = (number - 1) * PartSize;
        return (offset, Math.Min(PartSize, Size - offset));
    }
}
