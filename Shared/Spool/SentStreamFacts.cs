using System.Diagnostics.CodeAnalysis;

namespace BtrfsToS3.Shared.Spool;

/// <summary>
/// What the end of <c>btrfs send</c> told of a stream, which the seal records and the manifest repeats: its length and
/// SHA-256, the btrfs-progs and kernel that produced it, and its chunks (as the spool knows them, or as S3 holds them).
/// </summary>
/// <typeparam name="TChunk">A chunk as this file or object lists it.</typeparam>
internal abstract record SentStreamFacts<TChunk> : StreamFacts
{
    /// <summary>For the JSON reader.</summary>
    protected SentStreamFacts()
    {
    }

    /// <summary>The header's facts and what the end of the stream told.</summary>
    [SetsRequiredMembers]
    protected SentStreamFacts(StreamFacts facts, long totalBytes, string sha256, string btrfsProgsVersion, string kernelVersion, IReadOnlyList<TChunk> chunks)
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
}
