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
    string Encryption = "none") : IFormatVersioned;
