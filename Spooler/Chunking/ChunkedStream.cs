namespace BtrfsToS3.Spooler.Chunking;

/// <summary>What one pass over a stream produced: its ready chunks in order, its length and SHA-256, and its first
/// bytes.</summary>
internal sealed record ChunkedStream(
    IReadOnlyList<ChunkRecord> Chunks,
    long TotalBytes,
    string Sha256,
    ReadOnlyMemory<byte> Head
);
