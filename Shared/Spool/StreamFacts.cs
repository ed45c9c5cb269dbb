namespace BtrfsToS3.Shared.Spool;

/// <summary>
/// What the header says of a stream and the seal and the manifest repeat: which snapshot, against which parent, where in
/// its generation, cut how, by which command. Declared once here; <see cref="Seal"/> copies it from the header and
/// <see cref="Publishing.Manifest"/> from the seal (the record copy constructors, through <see cref="SentStreamFacts{TChunk}"/>),
/// never field by field. The JSON files keep these fields at their top level (docs/FORMAT.md).
/// </summary>
internal abstract record StreamFacts : IFormatVersioned
{
    public required int FormatVersion { get; init; }

    public required string Stream { get; init; }

    public required string Subvolume { get; init; }

    /// <summary>Null for a configured subvolume; for a nested one, the configured one it lies in and its path there.</summary>
    public required NestedPlace? Nested { get; init; }

    /// <summary>
    /// For a configured subvolume, the paths of the subvolumes nested in it that were snapshotted with it (the same
    /// run, the same time): what a restore of this snapshot puts back in their places. Empty for a nested one.
    /// </summary>
    public required IReadOnlyList<string> NestedPaths { get; init; }

    public required StreamKind Kind { get; init; }

    /// <summary>The live subvolume the snapshot was taken of: who owns the pointer this stream is published to.</summary>
    public required SourceRef Source { get; init; }

    public required SnapshotRef Snapshot { get; init; }

    public required SnapshotRef? Parent { get; init; }

    public required string Generation { get; init; }

    public required int ChainPosition { get; init; }

    public required long ChunkSize { get; init; }

    public required long PartSize { get; init; }

    public required IReadOnlyList<string> SendCommand { get; init; }

    /// <summary>The btrfs send protocol of the stream (1 or 2): a restoring host's btrfs receive must read it.</summary>
    public int SendProtocol { get; init; } = 1;

    /// <summary>Whether compressed extents were sent as they are (<c>--compressed-data</c>, protocol 2).</summary>
    public bool CompressedData { get; init; }

    /// <summary>How the chunks hold the stream's bytes (<see cref="ChunkCompression"/>); a generation keeps its full's.</summary>
    public string Compression { get; init; } = "none";

    /// <summary><c>none</c>, or <c>age</c>: each chunk is an age file (age-encryption.org/v1); a generation keeps its full's.</summary>
    public string Encryption { get; init; } = "none";

    /// <summary>
    /// Where <see cref="Encryption"/> is <c>age</c>, the fingerprint of each recipient (<see cref="ChunkEncoding.Fingerprint"/>):
    /// a restore checks its identity against them before it thaws or downloads anything. Not key material.
    /// </summary>
    public IReadOnlyList<string> RecipientFingerprints { get; init; } = [];
}
