using System.Diagnostics.CodeAnalysis;
using BtrfsToS3.Shared.Spool;

namespace BtrfsToS3.Shared.Publishing;

/// <summary>manifest.json: one published stream, written once with If-None-Match: * (docs/FORMAT.md).</summary>
internal sealed record Manifest : StreamFacts
{
    /// <summary>For the JSON reader.</summary>
    public Manifest()
    {
    }

    [SetsRequiredMembers]
    private Manifest(Seal seal, string? parentManifest, DateTimeOffset publishedAt, string storageClass, IReadOnlyList<ManifestChunk> chunks)
        : base(seal)
    {
        ParentManifest = parentManifest;
        BtrfsProgsVersion = seal.BtrfsProgsVersion;
        KernelVersion = seal.KernelVersion;
        SendStartedAt = seal.StartedAt;
        SendFinishedAt = seal.FinishedAt;
        PublishedAt = publishedAt;
        TotalBytes = seal.TotalBytes;
        Sha256 = seal.Sha256;
        StorageClass = storageClass;
        Chunks = chunks;
    }

    public required string? ParentManifest { get; init; }

    public required string BtrfsProgsVersion { get; init; }

    public required string KernelVersion { get; init; }

    public required DateTimeOffset SendStartedAt { get; init; }

    public required DateTimeOffset SendFinishedAt { get; init; }

    public required DateTimeOffset PublishedAt { get; init; }

    public required long TotalBytes { get; init; }

    public required string Sha256 { get; init; }

    public required string StorageClass { get; init; }

    public required IReadOnlyList<ManifestChunk> Chunks { get; init; }

    /// <summary>The manifest of a sealed stream whose chunks are verified in S3 under the given keys.</summary>
    public static Manifest Of(Seal seal, string? parentManifest, DateTimeOffset publishedAt, string storageClass, IReadOnlyList<ManifestChunk> chunks) =>
        new(seal, parentManifest, publishedAt, storageClass, chunks);

    /// <summary>True when the two describe the same stream, byte for byte (publication time aside).</summary>
    public bool SameStreamAs(Manifest other) =>
        Stream == other.Stream
        && Snapshot == other.Snapshot
        && Parent == other.Parent
        && TotalBytes == other.TotalBytes
        && Sha256 == other.Sha256
        && Chunks.SequenceEqual(other.Chunks);
}
