using BtrfsToS3.Shared.Catalog;
using BtrfsToS3.Shared.Publishing;

namespace BtrfsToS3.Uploader.Catalog;

/// <summary>
/// A chain's snapshots as its catalogs replay them: a tree for each manifest from the full on, up to the first stream
/// without a catalog (<see cref="Uncatalogued"/>); the streams after it build on it, so they have no tree either.
/// </summary>
internal sealed record CatalogChain(
    string Subvolume,
    IReadOnlyList<Manifest> Manifests,
    IReadOnlyList<SnapshotTree> Trees,
    string? Uncatalogued
)
{
    /// <summary>The tree of the snapshot of that name, or null where the chain has it without a catalog.</summary>
    public SnapshotTree? TreeOf(string snapshot) => Trees.FirstOrDefault(t => t.StreamName == snapshot);

    /// <summary>The streams without a tree, for the line that says so: the first without a catalog, and any
    /// after.</summary>
    public IEnumerable<string> WithoutTree => Manifests.Skip(Trees.Count).Select(m => m.Stream);
}
