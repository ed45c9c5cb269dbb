namespace BtrfsToS3.Shared.Spool;

/// <summary>
/// The subvolume a stream was sent from, as btrfs knows it: its filesystem's UUID and its own. A pointer records the
/// source that writes it (its owner), so that a second host on the same prefix, or a host rebuilt with new
/// filesystems, is stopped before it overwrites another's pointer or prunes its generations (docs/FORMAT.md).
/// </summary>
internal sealed record SourceRef(string FilesystemUuid, string SubvolumeUuid)
{
    /// <summary>The same filesystem and subvolume (btrfs prints UUIDs in lower case, but a person may not).</summary>
    public bool SameAs(SourceRef other) =>
        string.Equals(FilesystemUuid, other.FilesystemUuid, StringComparison.OrdinalIgnoreCase)
        && string.Equals(SubvolumeUuid, other.SubvolumeUuid, StringComparison.OrdinalIgnoreCase);

    /// <summary>For the line that names it.</summary>
    public override string ToString() => $"filesystem {FilesystemUuid}, subvolume {SubvolumeUuid}";
}
