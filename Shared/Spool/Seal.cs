using System.Diagnostics.CodeAnalysis;
using BtrfsToS3.Shared.Format;

namespace BtrfsToS3.Shared.Spool;

/// <summary>
/// seal.json, written last and atomically when <c>btrfs send</c> exited 0 and every chunk is ready:
/// the stream is whole. Without a seal a stream is never published.
/// </summary>
internal sealed record Seal : SentStreamFacts<ChunkRecord>
{
    /// <summary>For the JSON reader.</summary>
    public Seal() { }

    /// <summary>The header's facts copied, the end of the stream's added; <see cref="Of"/> sets the times.</summary>
    [SetsRequiredMembers]
    private Seal(
        StreamHeader header,
        IReadOnlyList<ChunkRecord> chunks,
        long totalBytes,
        string sha256,
        string btrfsProgsVersion,
        string kernelVersion
    )
        : base(header, totalBytes, sha256, btrfsProgsVersion, kernelVersion, chunks) { }

    /// <summary>Written for people reading the file; derived from <see cref="SentStreamFacts{TChunk}.Chunks"/>, never
    /// read.</summary>
    public int ChunkCount => Chunks.Count;

    public required DateTimeOffset StartedAt { get; init; }

    public required DateTimeOffset FinishedAt { get; init; }

    /// <summary>The stream's catalog in the spool (<c>catalog</c>), or null: a stream sealed without one, or before
    /// catalogs existed.</summary>
    public CatalogRecord? Catalog { get; init; }

    /// <summary>The facts and chunks, and each chunk's own record (its name, its parts at the stream's part
    /// size).</summary>
    public override void Validate(FieldCheck check)
    {
        ValidateSent(check);
        Catalog?.Validate(check);
        for (int i = 0; i < Chunks.Count; i++)
        {
            Chunks[i].Validate(check, $"chunks[{i}].");
            check.That(
                Chunks[i].PartSize == PartSize,
                $"chunks[{i}].part_size",
                Chunks[i].PartSize,
                "is not the stream's part_size"
            );
        }
    }

    /// <summary>The seal of the stream the header describes: its facts, and what only the end of the stream
    /// knows.</summary>
    public static Seal Of(
        StreamHeader header,
        IReadOnlyList<ChunkRecord> chunks,
        long totalBytes,
        string sha256,
        string btrfsProgsVersion,
        string kernelVersion,
        DateTimeOffset startedAt,
        DateTimeOffset finishedAt,
        CatalogRecord? catalog = null
    ) =>
        new(header, chunks, totalBytes, sha256, btrfsProgsVersion, kernelVersion)
        {
            StartedAt = startedAt,
            FinishedAt = finishedAt,
            Catalog = catalog,
        };
}
