using BtrfsToS3.Shared.Format;
using BtrfsToS3.Shared.Spool;

namespace BtrfsToS3.Shared.Catalog;

/// <summary>
/// Replays the catalogs of one chain in order, the full's first, then each incremental's onto its parent's tree
/// (docs/FORMAT.md, "Catalog", "Reading"), keeping each snapshot's tree. An incremental's parent must be the snapshot
/// before it: its <c>snapshot</c>'s <c>clone_uuid</c> and <c>clone_ctransid</c> those of the previous <c>subvol</c> or
/// <c>snapshot</c>. Nested subvolumes have chains, and so replays, of their own.
/// </summary>
internal sealed class ChainReplay
{
    private readonly List<SnapshotTree> trees = [];
    private long nextId = 1;

    /// <summary>The trees made so far, in chain order.</summary>
    public IReadOnlyList<SnapshotTree> Trees => trees;

    /// <summary>Replays the next catalog of the chain, from its header (read by <see cref="CatalogReader.Open"/>)
    /// to its end line, and returns its snapshot's tree. Where it fails, the chain is as it was before.</summary>
    public SnapshotTree Apply(CatalogReader catalog)
    {
        CatalogHeader header = catalog.Header;
        SnapshotTree? parent = trees.Count > 0 ? trees[^1] : null;
        var check = new FieldCheck(catalog.Name);
        check.That(
            header.Kind == (parent is null ? StreamKind.Full : StreamKind.Incremental),
            "kind",
            header.Kind == StreamKind.Full ? "full" : "incremental",
            parent is null
                ? "is not full, which a chain starts with"
                : "is not incremental, which a chain continues with"
        );
        check.That(
            parent is null || header.Subvolume == parent.Subvolume,
            "subvolume",
            header.Subvolume,
            $"is not the chain's, {parent?.Subvolume}"
        );

        // The reader hands out the stream's subvol or snapshot first, or fails.
        var snapshot = (SubvolumeCommand)catalog.Next()!;
        if (parent is not null)
        {
            var at = new FieldCheck($"{catalog.Name} line {snapshot.Line}");
            at.That(
                string.Equals(snapshot.CloneUuid, parent.Uuid, StringComparison.OrdinalIgnoreCase),
                "clone_uuid",
                snapshot.CloneUuid,
                $"is not the uuid of the chain's snapshot before, {parent.Uuid}"
            );
            at.That(
                snapshot.CloneCtransid == parent.Ctransid,
                "clone_ctransid",
                snapshot.CloneCtransid,
                $"is not the ctransid of the chain's snapshot before, {parent.Ctransid}"
            );
        }

        var builder = new TreeBuilder(catalog.Name, trees.Count, parent, snapshot, nextId);
        while (catalog.Next() is { } command)
        {
            builder.Apply(command);
        }

        SnapshotTree tree = builder.Finish(this, header, catalog.End!);
        nextId = builder.NextId;
        trees.Add(tree);
        return tree;
    }
}
