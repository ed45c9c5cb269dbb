namespace BtrfsToS3.Shared.Catalog;

/// <summary>
/// What changed between two snapshots of one chain, by inode identity: <see cref="Added"/> names (paths after) of
/// inodes or hard links the first had not, <see cref="Removed"/> names (paths before) of ones the second has not,
/// <see cref="Renamed"/> names that moved (a directory once: what it holds moves with it, and is listed only where it
/// changed itself), and <see cref="Modified"/> paths (after) of inodes whose attributes, xattrs or extents changed,
/// renamed or not. A path whose inode was replaced by another (rename over it, or unlink and create) is removed and
/// added. Each list is in walk order (<see cref="SnapshotTree.Walk"/>), the renames by their new path.
/// </summary>
internal sealed record TreeDiff(
    IReadOnlyList<string> Added,
    IReadOnlyList<string> Removed,
    IReadOnlyList<string> Modified,
    IReadOnlyList<TreeRename> Renamed
)
{
    /// <summary>The changes from <paramref name="before"/> to <paramref name="after"/>: only the inodes not shared
    /// by both trees are looked at.</summary>
    public static TreeDiff Between(SnapshotTree before, SnapshotTree after)
    {
        if (before.Chain != after.Chain)
        {
            throw new ArgumentException("trees of different chains share no inode identities", nameof(after));
        }

        var added = new List<string>();
        var removed = new List<string>();
        var modified = new List<string>();
        var renamed = new List<TreeRename>();
        foreach ((TreeInode? was, TreeInode? now) in InodeTable.Differences(before.Table, after.Table))
        {
            if (was is null)
            {
                added.AddRange(after.PathsOf(now!));
                continue;
            }

            if (now is null)
            {
                removed.AddRange(before.PathsOf(was));
                continue;
            }

            IReadOnlyList<string> gone = SnapshotTree.WalkOrder(was.Links.Except(now.Links).Select(before.PathOf));
            IReadOnlyList<string> came = SnapshotTree.WalkOrder(now.Links.Except(was.Links).Select(after.PathOf));
            int moves = Math.Min(gone.Count, came.Count);
            renamed.AddRange(Enumerable.Range(0, moves).Select(i => new TreeRename(gone[i], came[i])));
            removed.AddRange(gone.Skip(moves));
            added.AddRange(came.Skip(moves));
            if (!was.SameContentAs(now))
            {
                modified.AddRange(after.PathsOf(now));
            }
        }

        Dictionary<string, TreeRename> byTarget = renamed.ToDictionary(r => r.To);
        return new TreeDiff(
            SnapshotTree.WalkOrder(added),
            SnapshotTree.WalkOrder(removed),
            SnapshotTree.WalkOrder(modified),
            [.. SnapshotTree.WalkOrder(byTarget.Keys).Select(to => byTarget[to])]
        );
    }
}
