using BtrfsToS3.Shared.Format;

namespace BtrfsToS3.Shared.Spool;

/// <summary>
/// What the header says of a stream and the seal and the manifest repeat: which snapshot, against which parent, where
/// in its generation, cut how, by which command. Declared once here; <see cref="Seal"/> copies it from the header and
/// <see cref="Publishing.Manifest"/> from the seal (the record copy constructors, through
/// <see cref="SentStreamFacts{TChunk}"/>), never field by field. The JSON files keep these fields at their top level
/// (docs/FORMAT.md).
/// </summary>
internal abstract record StreamFacts : IFormatVersioned
{
    public required int FormatVersion { get; init; }

    public required string Stream { get; init; }

    public required string Subvolume { get; init; }

    /// <summary>Null for a configured subvolume; for a nested one, the configured one it lies in and its path
    /// there.</summary>
    public required NestedPlace? Nested { get; init; }

    /// <summary>
    /// For a configured subvolume, the paths of the subvolumes nested in it that were snapshotted with it (the same
    /// run, the same time): what a restore of this snapshot puts back in their places. Empty for a nested one.
    /// </summary>
    public required IReadOnlyList<string> NestedPaths { get; init; }

    public required StreamKind Kind { get; init; }

    /// <summary>The live subvolume the snapshot was taken of: who owns the pointer this stream is published
    /// to.</summary>
    public required SourceRef Source { get; init; }

    public required SnapshotRef Snapshot { get; init; }

    public required SnapshotRef? Parent { get; init; }

    public required string Generation { get; init; }

    public required int ChainPosition { get; init; }

    public required long ChunkSize { get; init; }

    public required long PartSize { get; init; }

    public required IReadOnlyList<string> SendCommand { get; init; }

    /// <summary>The btrfs send protocol of the stream (1 or 2): a restoring host's btrfs receive must read
    /// it.</summary>
    public int SendProtocol { get; init; } = 1;

    /// <summary>Whether compressed extents were sent as they are (<c>--compressed-data</c>, protocol 2).</summary>
    public bool CompressedData { get; init; }

    /// <summary>How the chunks hold the stream's bytes (<see cref="ChunkCompression"/>); a generation keeps its
    /// full's.</summary>
    public string Compression { get; init; } = "none";

    /// <summary><c>none</c>, or <c>age</c>: each chunk is an age file (age-encryption.org/v1); a generation keeps its
    /// full's.</summary>
    public string Encryption { get; init; } = "none";

    /// <summary>
    /// Where <see cref="Encryption"/> is <c>age</c>, the fingerprint of each recipient
    /// (<see cref="ChunkEncoding.Fingerprint"/>): a restore checks its identity against them before it thaws or
    /// downloads anything. Not key material.
    /// </summary>
    public IReadOnlyList<string> RecipientFingerprints { get; init; } = [];

    public abstract void Validate(FieldCheck check);

    /// <summary>
    /// The facts every header, seal and manifest shares: names that become paths and keys, the chain they claim, and
    /// the encoding; each against its grammar and against the others (a stream is named after its snapshot, of its
    /// subvolume).
    /// </summary>
    protected void ValidateFacts(FieldCheck check)
    {
        check.Subvolume(Subvolume, Nested);
        if (Nested is null)
        {
            foreach ((string path, int i) in check.List(NestedPaths, "nested_paths", 100_000).Select((p, i) => (p, i)))
            {
                check.Text(
                    path,
                    $"nested_paths[{i}]",
                    FormatGrammar.RelativePath,
                    "is not a relative path without '.', '..' or empty parts"
                );
            }
        }
        else
        {
            check.That(
                check.List(NestedPaths, "nested_paths", 0).Count == 0,
                "nested_paths",
                NestedPaths.Count,
                "must be empty for a nested subvolume"
            );
        }

        check.Source(Source, "source");
        check.That(Snapshot is not null, "snapshot", null, "must be present");
        check.That(
            SnapshotName.TryParse(Snapshot!.Name, out string snapshotOf, out DateTimeOffset taken)
                && snapshotOf == Subvolume,
            "snapshot.name",
            Snapshot.Name,
            $"is not a snapshot name of subvolume {Subvolume}"
        );
        check.Text(Snapshot.Uuid, "snapshot.uuid", FormatGrammar.Uuid, "is not a UUID");
        check.That(Stream == Snapshot.Name, "stream", Stream, "is not the snapshot's name");
        check.Text(
            Generation,
            "generation",
            FormatGrammar.Generation,
            "is not a generation (a UTC time such as 20261125T020000Z)"
        );
        // A generation that does not parse is reported just above; its default time adds no second complaint.
        _ = SnapshotName.TryParse($"x.{Generation}", out _, out DateTimeOffset started);
        check.That(started <= taken, "generation", Generation, "starts after the snapshot was taken");
        if (Kind == StreamKind.Full)
        {
            check.That(Parent is null, "parent", Parent?.Name, "must be null for a full stream");
            check.That(ChainPosition == 0, "chain_position", ChainPosition, "must be 0 for a full stream");
            check.That(
                Generation == SnapshotName.Generation(Snapshot.Name),
                "generation",
                Generation,
                "is not the full's snapshot time"
            );
        }
        else
        {
            check.That(Kind == StreamKind.Incremental, "kind", Kind.ToString(), "is neither full nor incremental");
            check.That(Parent is not null, "parent", null, "must name the parent snapshot of an incremental stream");
            check.That(
                SnapshotName.TryParse(Parent!.Name, out string parentOf, out DateTimeOffset parentTaken)
                    && parentOf == Subvolume
                    && parentTaken < taken,
                "parent.name",
                Parent.Name,
                $"is not an earlier snapshot of subvolume {Subvolume}"
            );
            check.Text(Parent.Uuid, "parent.uuid", FormatGrammar.Uuid, "is not a UUID");
            check.That(
                ChainPosition >= 1,
                "chain_position",
                ChainPosition,
                "must be 1 or more for an incremental stream"
            );
        }

        check.That(
            ChunkSize is >= 1 and <= Configuration.S3Limits.MaxChunkSize,
            "chunk_size",
            ChunkSize,
            "is not from 1 byte to 5 TiB"
        );
        check.That(
            PartSize is >= 1 and <= Configuration.S3Limits.MaxPartSize,
            "part_size",
            PartSize,
            "is not from 1 byte to 5 GiB"
        );
        check.List(SendCommand, "send_command", 16);
        check.That(SendProtocol is 1 or 2, "send_protocol", SendProtocol, "is not 1 or 2");
        check.That(
            !CompressedData || SendProtocol == 2,
            "compressed_data",
            CompressedData.ToString(),
            "needs send_protocol 2"
        );
        check.That(
            ChunkCompression.TryParse(Compression ?? string.Empty) is not null,
            "compression",
            Compression,
            "is not none, auto or zstd:LEVEL"
        );
        check.That(
            Encryption is ChunkEncoding.Plain or ChunkEncoding.Age,
            "encryption",
            Encryption,
            "is not none or age"
        );
        check.List(RecipientFingerprints, "recipient_fingerprints", ChunkEncoding.MaxRecipients);
        check.That(
            (Encryption == ChunkEncoding.Age) == (RecipientFingerprints.Count > 0),
            "recipient_fingerprints",
            RecipientFingerprints.Count,
            $"does not fit encryption {Encryption}"
        );
        foreach ((string fingerprint, int i) in RecipientFingerprints.Select((f, i) => (f, i)))
        {
            check.Text(
                fingerprint,
                $"recipient_fingerprints[{i}]",
                FormatGrammar.Fingerprint,
                "is not a fingerprint (sha256: and 16 hex digits)"
            );
        }
    }
}
