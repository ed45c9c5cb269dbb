using BtrfsToS3.Shared.Spool;

namespace BtrfsToS3.Uploader.Catalog;

/// <summary>
/// <c>SUBVOLUME[@SNAPSHOT][:PATH]</c>, as <c>ls</c> takes it: a subvolume (configured or nested, by its name), a
/// snapshot of it by name (<c>data.20261202T020000Z</c>) or by time (<c>20261202T020000Z</c>), null for the newest, and
/// a path in it without its leading '/', empty for its top.
/// </summary>
internal sealed record SnapshotSpec(string Subvolume, string? Snapshot, string Path)
{
    public static SnapshotSpec Parse(string text)
    {
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        string head = colon < 0 ? text : text[..colon];
        string path = colon < 0 ? string.Empty : text[(colon + 1)..].Trim('/');
        int at = head.IndexOf('@', StringComparison.Ordinal);
        string subvolume = at < 0 ? head : head[..at];
        string? snapshot = at < 0 ? null : head[(at + 1)..];
        if (subvolume.Length == 0 || snapshot is { Length: 0 })
        {
            throw Usage(text);
        }

        if (snapshot is not null && !SnapshotName.TryParse(snapshot, out _, out _))
        {
            snapshot = $"{subvolume}.{snapshot}";
        }

        if (snapshot is not null && !(SnapshotName.TryParse(snapshot, out string of, out _) && of == subvolume))
        {
            throw Usage(text);
        }

        return new SnapshotSpec(subvolume, snapshot, path);
    }

    private static BackupFailure Usage(string text) =>
        new(
            FailureKind.Usage,
            $"usage: \"{text}\" is not SUBVOLUME[@SNAPSHOT][:PATH] (e.g. data@20261202T020000Z:photos/2019, or data:photos)"
        );
}
