using System.Diagnostics.CodeAnalysis;

namespace BtrfsToS3.Shared.Spool;

/// <summary>
/// seal.json, written last and atomically when <c>btrfs send</c> exited 0 and every chunk is ready:
/// the stream is whole. Without a seal a stream is never published.
/// </summary>
internal sealed record Seal : StreamFacts
{
    /// <summary>For the JSON reader.</summary>
    public Seal()
    {
    }

    [SetsRequiredMembers]
    private Seal(StreamHeader header, IReadOnlyList<ChunkRecord> chunks, long totalBytes, string sha256, string btrfsProgsVersion, string kernelVersion, DateTimeOffset startedAt, DateTimeOffset finishedAt)
        : base(header)
    {
        ChunkCount = chunks.Count;
        TotalBytes = totalBytes;
        Sha256 = sha256;
        BtrfsProgsVersion = btrfsProgsVersion;
        KernelVersion = kernelVersion;
        StartedAt = startedAt;
        FinishedAt = finishedAt;
        Chunks = chunks;
    }

    public required int ChunkCount { get; init; }

    public required long TotalBytes { get; init; }

    public required string Sha256 { get; init; }

    public required string BtrfsProgsVersion { get; init; }

    public required string KernelVersion { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required DateTimeOffset FinishedAt { get; init; }

    public required IReadOnlyList<ChunkRecord> Chunks { get; init; }

    /// <summary>The seal of the stream the header describes: its facts, and what only the end of the stream knows.</summary>
    public static Seal Of(StreamHeader header, IReadOnlyList<ChunkRecord> chunks, long totalBytes, string sha256, string btrfsProgsVersion, string kernelVersion, DateTimeOffset startedAt, DateTimeOffset finishedAt) =>
        new(header, chunks, totalBytes, sha256, btrfsProgsVersion, kernelVersion, startedAt, finishedAt);
}
