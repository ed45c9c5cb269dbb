using BtrfsToS3.Shared.Catalog;
using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Uploader.Restore;

namespace BtrfsToS3.Uploader.Catalog;

/// <summary>
/// Finds the tree of the snapshot a command names, replaying only its generation's catalogs up to it; a path inside a
/// subvolume nested in it leads to that subvolume's tree of the same run (its last snapshot no later), as a restore
/// puts it back at that path.
/// </summary>
internal sealed class SnapshotLocator(CatalogLoader loader, ChainReader chains)
{
    /// <summary>The tree, the path within it, and the path of the nested subvolume it lies in ("" for none).</summary>
    public async Task<(SnapshotTree Tree, Manifest Manifest, string Path, string NestedAt)> FindAsync(
        SnapshotSpec spec,
        CancellationToken cancellationToken
    )
    {
        (SnapshotTree tree, Manifest manifest) = await TreeAsync(spec.Subvolume, spec.Snapshot, cancellationToken);
        string? nested = manifest
            .NestedPaths.Where(n => spec.Path == n || spec.Path.StartsWith(n + "/", StringComparison.Ordinal))
            .MaxBy(n => n.Length);
        if (nested is null)
        {
            return (tree, manifest, spec.Path, string.Empty);
        }

        // The nested chains are read as a restore of this snapshot reads them: each up to its last snapshot no later.
        IReadOnlyList<RestoreChain> inside = await chains.NestedChainsAsync(
            new RestoreChain(spec.Subvolume, null, [manifest]),
            null,
            cancellationToken
        );
        RestoreChain chain = inside.FirstOrDefault(c => c.Nested?.Path == nested)
            ?? throw new BackupFailure(
                FailureKind.Unavailable,
                $"{spec.Subvolume}: {nested} is a nested subvolume in {tree.StreamName}, but nothing of it from then or before is published"
            );
        (SnapshotTree nestedTree, Manifest nestedManifest, string path, string deeper) = await FindAsync(
            new SnapshotSpec(chain.Subvolume, chain.Manifests[^1].Stream, spec.Path[nested.Length..].Trim('/')),
            cancellationToken
        );
        return (nestedTree, nestedManifest, path, deeper.Length == 0 ? nested : $"{nested}/{deeper}");
    }

    /// <summary>The snapshot's tree (the newest when null) and its manifest.</summary>
    public async Task<(SnapshotTree Tree, Manifest Manifest)> TreeAsync(
        string subvolume,
        string? snapshot,
        CancellationToken cancellationToken
    )
    {
        CatalogChain chain = await ChainOfAsync(subvolume, snapshot, cancellationToken);
        string name = snapshot ?? chain.Manifests[^1].Stream;
        Manifest manifest = chain.Manifests.First(m => m.Stream == name);
        SnapshotTree tree = chain.TreeOf(name)
            ?? throw new BackupFailure(
                FailureKind.Unavailable,
                $"snapshot {name} has no catalog: stream {chain.Uncatalogued} of its chain was published without one (before 0.3.0, or with [spool] catalog = no) and the streams after it build on it; only a restore shows its files"
            );
        return (tree, manifest);
    }

    /// <summary>The generation holding the snapshot (the newest where null), replayed up to it, or whole.</summary>
    public async Task<CatalogChain> ChainOfAsync(
        string subvolume,
        string? snapshot,
        CancellationToken cancellationToken,
        bool whole = false
    )
    {
        IReadOnlyList<RestoreChain> generations = await chains.GenerationsAsync(subvolume, cancellationToken);
        RestoreChain generation = (
            snapshot is null
                ? (generations.Count > 0 ? generations[^1] : null)
                : generations.FirstOrDefault(g => g.Manifests.Any(m => m.Stream == snapshot))
        )
            ?? throw new BackupFailure(
                FailureKind.Unavailable,
                generations.Count == 0
                    ? $"nothing of subvolume {subvolume} is published (no pointer)"
                    : $"subvolume {subvolume} has no snapshot {snapshot} in S3 (it has {string.Join(", ", generations.SelectMany(g => g.Manifests).Select(m => m.Stream))})"
            );
        return await loader.ReplayAsync(subvolume, generation.Manifests, whole ? null : snapshot, cancellationToken);
    }
}
