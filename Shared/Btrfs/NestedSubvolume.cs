namespace BtrfsToS3.Shared.Btrfs;

/// <summary>
/// A subvolume found below another, at any depth: its path relative to that one ('/'-separated), its UUID, the UUID it
/// was snapshotted from (null for none), and whether it is read-only.
/// </summary>
internal sealed record NestedSubvolume(string Path, string Uuid, string? ParentUuid, bool ReadOnly)
{
    /// <summary>A read-only snapshot of another subvolume: Proxmox's <c>&lt;disk&gt;@&lt;snap&gt;</c>, or one of
    /// ours.</summary>
    public bool IsSnapshot => ReadOnly && ParentUuid is not null;
}
