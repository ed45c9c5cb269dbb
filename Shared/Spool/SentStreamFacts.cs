using System.Diagnostics.CodeAnalysis;
using BtrfsToS3.Shared.Format;

namespace BtrfsToS3.Shared.Spool;

/// <summary>
/// What the end of <c>btrfs send</c> told of a stream, which the seal records and the manifest repeats: its length and
/// SHA-256, the btrfs-progs and kernel that produced it, and its chunks (as the spool knows them, or as S3 holds them).
/// </summary>
/// <typeparam name="TChunk">A chunk as this file or object lists it.</typeparam>
internal abstract record SentStreamFacts<TChunk> : StreamFacts
    where TChunk : class, IStoredChunk
{
    /// <summary>
    /// The most chunks a seal or manifest may list: a stream of 5 TiB in chunks of 32 MiB, and a manifest of them stays
    /// within <see cref="FormatJson.MaxManifestBytes"/>.
    /// </summary>
    public const int MaxChunks = 200_000;

    /// <summary>For the JSON reader.</summary>
    protected SentStreamFacts() { }

    /// <summary>The header's facts and what the end of the stream told.</summary>
    [SetsRequiredMembers]
    protected SentStreamFacts(
        StreamFacts facts,
        long totalBytes,
        string sha256,
        string btrfsProgsVersion,
        string kernelVersion,
        IReadOnlyList<TChunk> chunks
    )
        : base(facts)
    {
        TotalBytes = totalBytes;
        Sha256 = sha256;
        BtrfsProgsVersion = btrfsProgsVersion;
        KernelVersion = kernelVersion;
        Chunks = chunks;
    }

    public required long TotalBytes { get; init; }

    public required string Sha256 { get; init; }

    public required string BtrfsProgsVersion { get; init; }

    public required string KernelVersion { get; init; }

    public required IReadOnlyList<TChunk> Chunks { get; init; }

    /// <summary>
    /// The facts, then the chunks: indexes 0 to n−1 in order, every one but the last holding chunk_size stream bytes
    /// and the last at most that, together total_bytes; stored sizes within what the encoding allows; hashes of their
    /// form, and an ETag whose part count is the one part_size cuts the chunk into.
    /// </summary>
    protected void ValidateSent(FieldCheck check)
    {
        ValidateFacts(check);
        check.That(TotalBytes >= 1, "total_bytes", TotalBytes, "must be at least 1");
        check.Text(Sha256, "sha256", FormatGrammar.Sha256, "is not a SHA-256 in lower-case hex");
        check.List(Chunks, "chunks", MaxChunks);
        check.That(Chunks.Count >= 1, "chunks", Chunks.Count, "must list at least one chunk");
        bool encoded = Compression != "none" || Encryption != ChunkEncoding.Plain;
        long storedBound = ChunkEncoding.StoredBound(ChunkSize, encoded);
        long streamBytes = 0;
        for (int i = 0; i < Chunks.Count; i++)
        {
            TChunk chunk = Chunks[i];
            string field = $"chunks[{i}]";
            check.That(
                chunk.Index == i,
                $"{field}.index",
                chunk.Index,
                $"must be {i}: chunks are listed in order, without gaps"
            );
            check.That(
                chunk.Size >= 1 && chunk.Size <= storedBound,
                $"{field}.size",
                chunk.Size,
                $"is not from 1 to {storedBound} bytes (chunk_size as stored)"
            );
            long held = chunk.StreamSize == 0 && !encoded ? chunk.Size : chunk.StreamSize;
            check.That(
                i + 1 < Chunks.Count ? held == ChunkSize : held is >= 1 && held <= ChunkSize,
                $"{field}.stream_size",
                chunk.StreamSize,
                i + 1 < Chunks.Count
                    ? "must be chunk_size: only the last chunk holds fewer stream bytes"
                    : "is not from 1 to chunk_size"
            );
            streamBytes += held;
            check.Text(chunk.Sha256, $"{field}.sha256", FormatGrammar.Sha256, "is not a SHA-256 in lower-case hex");
            check.Text(chunk.Crc32, $"{field}.crc32", FormatGrammar.Crc32, "is not a CRC-32 in base64");
            check.That(
                Hashing.PartSizing.FitsInParts(chunk.Size, PartSize),
                $"{field}.size",
                chunk.Size,
                "takes more parts than S3 allows at part_size"
            );
            int parts = Hashing.PartSizing.PartCount(chunk.Size, PartSize);
            check.Text(
                chunk.Etag,
                $"{field}.etag",
                etag =>
                    parts == 1
                        ? FormatGrammar.Md5(etag)
                        : etag.Length > 33 && FormatGrammar.Md5(etag[..32]) && etag[32..] == $"-{parts}",
                parts == 1
                    ? "is not the MD5 ETag of a single PUT"
                    : $"is not the ETag of a multipart upload of {parts} parts"
            );
        }

        check.That(
            streamBytes == TotalBytes,
            "total_bytes",
            TotalBytes,
            $"is not the {streamBytes} stream bytes the chunks hold"
        );
    }
}
