namespace BtrfsToS3.Shared.Catalog;

/// <summary>A path of a snapshot's tree and the inode it names; the top directory's path is empty.</summary>
internal sealed record TreeEntry(string Path, TreeInode Inode)
{
    /// <summary>The path's last name.</summary>
    public string Name => Path[(Path.LastIndexOf('/') + 1)..];
}
