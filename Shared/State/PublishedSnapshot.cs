using BtrfsToS3.Shared.Format;
using BtrfsToS3.Shared.Spool;

namespace BtrfsToS3.Shared.State;

/// <summary>
/// &lt;state dir&gt;/&lt;subvolume&gt;.published.json, written by the uploader after the pointer names the stream:
/// the last snapshot of the subvolume that is safely in S3, and so the parent of its next incremental, which keeps
/// its generation's compression and encryption (they change from the next full).
/// </summary>
internal sealed record PublishedSnapshot(
    int FormatVersion,
    string Subvolume,
    SnapshotRef Snapshot,
    StreamKind Kind,
    string Generation,
    int ChainPosition,
    DateTimeOffset PublishedAt,
    string ManifestKey,
    string Compression = "none",
    string Encryption = "none",
    string? SigningKey = null
) : IFormatVersioned
{
    /// <summary>
    /// A snapshot of its subvolume in a generation that started no later, and the manifest key those name: it becomes
    /// the parent of the next incremental, so a path and a send command are made of it.
    /// </summary>
    public void Validate(FieldCheck check)
    {
        check.Text(Subvolume, "subvolume", FormatGrammar.SubvolumeName, "is not a subvolume name");
        check.That(
            Snapshot is not null
                && SnapshotName.TryParse(Snapshot.Name, out string of, out DateTimeOffset taken)
                && of == Subvolume
                && FormatGrammar.Uuid(Snapshot.Uuid)
                && SnapshotName.TryParse($"x.{Generation}", out _, out DateTimeOffset started)
                && started <= taken,
            "snapshot",
            Snapshot?.Name,
            $"is not a snapshot of subvolume {Subvolume} with a UUID, in generation {Generation}"
        );
        check.That(
            Kind == StreamKind.Full ? ChainPosition == 0 : Kind == StreamKind.Incremental && ChainPosition >= 1,
            "chain_position",
            ChainPosition,
            $"does not fit a {Kind} stream"
        );
        check.Key(
            ManifestKey,
            "manifest_key",
            Publishing.ObjectKeys.Manifest(string.Empty, Subvolume, Generation, Snapshot!.Name)
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
        check.That(
            SigningKey is null || Crypto.SignaturePublicKey.TryParse(SigningKey) is not null,
            "signing_key",
            SigningKey,
            "is not a signing public key"
        );
    }
}
