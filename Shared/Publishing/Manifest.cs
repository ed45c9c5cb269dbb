using System.Diagnostics.CodeAnalysis;
using BtrfsToS3.Shared.Cli;
using BtrfsToS3.Shared.Format;
using BtrfsToS3.Shared.Spool;

namespace BtrfsToS3.Shared.Publishing;

/// <summary>manifest.json: one published stream, written once with If-None-Match: * (docs/FORMAT.md).</summary>
internal sealed record Manifest : SentStreamFacts<ManifestChunk>
{
    /// <summary>For the JSON reader.</summary>
    public Manifest() { }

    /// <summary>The seal's facts copied, with the chunks as S3 holds them; <see cref="Of"/> sets the rest.</summary>
    [SetsRequiredMembers]
    private Manifest(Seal seal, string storageClass, IReadOnlyList<ManifestChunk> chunks)
        : base(seal, seal.TotalBytes, seal.Sha256, seal.BtrfsProgsVersion, seal.KernelVersion, chunks)
    {
        StorageClass = storageClass;
    }

    public required string? ParentManifest { get; init; }

    public required DateTimeOffset SendStartedAt { get; init; }

    public required DateTimeOffset SendFinishedAt { get; init; }

    public required DateTimeOffset PublishedAt { get; init; }

    public required string StorageClass { get; init; }

    /// <summary>
    /// The build that published the stream (<c>btrfs_to_s3 0.2.0 (abc1234)</c>), for whoever restores it years later
    /// and meets a question only that code answers; not part of the stream's identity, and absent from older manifests.
    /// </summary>
    public string? WrittenBy { get; init; }

    /// <summary>
    /// The stream's catalog, uploaded and verified before the manifest was written; null for a stream without one
    /// (sealed without one, or published before catalogs existed), which every catalog command names as such.
    /// </summary>
    public ManifestCatalog? Catalog { get; init; }

    /// <summary>The manifest of a sealed stream whose chunks are verified in S3 under the given keys.</summary>
    public static Manifest Of(
        Seal seal,
        string? parentManifest,
        DateTimeOffset publishedAt,
        string storageClass,
        IReadOnlyList<ManifestChunk> chunks,
        ManifestCatalog? catalog = null
    ) =>
        new(seal, storageClass, chunks)
        {
            Catalog = catalog,
            ParentManifest = parentManifest,
            SendStartedAt = seal.StartedAt,
            SendFinishedAt = seal.FinishedAt,
            PublishedAt = publishedAt,
            WrittenBy = BuildInfo.WrittenBy,
        };

    /// <summary>
    /// The facts and chunks, and every key recomputed from the manifest's own fields (its chunks', its parent's) and
    /// equal to the one recorded: a reader reads no object a manifest names by a key of its own making.
    /// </summary>
    public override void Validate(FieldCheck check)
    {
        ValidateSent(check);
        check.Text(StorageClass, "storage_class", FormatGrammar.StorageClass, "is not an S3 storage class");
        for (int i = 0; i < Chunks.Count; i++)
        {
            check.Key(
                Chunks[i].Key,
                $"chunks[{i}].key",
                ObjectKeys.Chunk(string.Empty, Subvolume, Generation, Stream, FormatGrammar.ChunkName(i))
            );
            check.That(
                Chunks[i].Version is null || FormatGrammar.S3Id(Chunks[i].Version!),
                $"chunks[{i}].version",
                Chunks[i].Version,
                "is not an S3 version id"
            );
        }

        if (Catalog is not null)
        {
            check.Key(Catalog.Key, "catalog.key", ObjectKeys.Catalog(string.Empty, Subvolume, Generation, Stream));
            check.That(
                Catalog.Size is >= 1 and <= CatalogRecord.MaxSize,
                "catalog.size",
                Catalog.Size,
                $"is not from 1 to {CatalogRecord.MaxSize} bytes"
            );
            check.Text(Catalog.Sha256, "catalog.sha256", FormatGrammar.Sha256, "is not a SHA-256 in lower-case hex");
            check.That(
                Catalog.Version is null || FormatGrammar.S3Id(Catalog.Version),
                "catalog.version",
                Catalog.Version,
                "is not an S3 version id"
            );
        }

        if (Parent is null)
        {
            check.That(ParentManifest is null, "parent_manifest", ParentManifest, "must be null for a full stream");
        }
        else
        {
            check.Key(
                ParentManifest,
                "parent_manifest",
                ObjectKeys.Manifest(string.Empty, Subvolume, Generation, Parent.Name)
            );
        }
    }

    /// <summary>True when the two describe the same stream, byte for byte (publication time aside).</summary>
    public bool SameStreamAs(Manifest other) =>
        Stream == other.Stream
        && Snapshot == other.Snapshot
        && Parent == other.Parent
        && TotalBytes == other.TotalBytes
        && Sha256 == other.Sha256
        && Chunks.SequenceEqual(other.Chunks);
}
