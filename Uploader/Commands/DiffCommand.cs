using BtrfsToS3.Shared.Catalog;
using BtrfsToS3.Shared.Spool;
using BtrfsToS3.Uploader.Catalog;

namespace BtrfsToS3.Uploader.Commands;

/// <summary>
/// <c>diff SNAPSHOT_A SNAPSHOT_B</c>: what was added (<c>+</c>), removed (<c>-</c>), modified (<c>M</c>) or renamed
/// (<c>R</c>) from the first snapshot to the second, by inode identity (<see cref="TreeDiff"/>), from the catalogs
/// alone. Both must be of one chain: snapshots of different generations share no inode identities, and their
/// difference would be everything.
/// </summary>
internal static class DiffCommand
{
    public static async Task<int> RunAsync(
        SnapshotLocator locator,
        string first,
        string second,
        bool json,
        TextWriter output,
        CancellationToken cancellationToken
    )
    {
        string subvolume = SubvolumeOf(first);
        if (SubvolumeOf(second) != subvolume)
        {
            throw new BackupFailure(
                FailureKind.Usage,
                $"usage: diff compares two snapshots of one subvolume; {first} and {second} are not"
            );
        }

        CatalogChain chain = await locator.ChainOfAsync(subvolume, first, cancellationToken, whole: true);
        if (chain.Manifests.All(m => m.Stream != second))
        {
            throw new BackupFailure(
                FailureKind.Usage,
                $"usage: diff compares two snapshots of one chain; {second} is not in the generation of {first} ({string.Join(", ", chain.Manifests.Select(m => m.Stream))})"
            );
        }

        SnapshotTree before = Tree(chain, first);
        SnapshotTree after = Tree(chain, second);
        TreeDiff diff = TreeDiff.Between(before, after);
        foreach (string path in diff.Added)
        {
            output.WriteLine(json ? EntryText.Json(after.Lookup(path)?.Inode, path, ("change", "added")) : $"+ {path}");
        }

        foreach (string path in diff.Removed)
        {
            output.WriteLine(json ? EntryText.Json(null, path, ("change", "removed")) : $"- {path}");
        }

        foreach (string path in diff.Modified)
        {
            output.WriteLine(
                json ? EntryText.Json(after.Lookup(path)?.Inode, path, ("change", "modified")) : $"M {path}"
            );
        }

        foreach (TreeRename rename in diff.Renamed)
        {
            output.WriteLine(
                json
                    ? EntryText.Json(
                        after.Lookup(rename.To)?.Inode,
                        rename.To,
                        ("change", "renamed"),
                        ("from", rename.From)
                    )
                    : $"R {rename.From} -> {rename.To}"
            );
        }

        return ExitCodes.Ok;
    }

    private static SnapshotTree Tree(CatalogChain chain, string snapshot) =>
        chain.TreeOf(snapshot)
        ?? throw new BackupFailure(
            FailureKind.Unavailable,
            $"diff: snapshot {snapshot} has no catalog: stream {chain.Uncatalogued} of its chain was published without one, and the streams after it build on it"
        );

    private static string SubvolumeOf(string snapshot) =>
        SnapshotName.TryParse(snapshot, out string subvolume, out _)
            ? subvolume
            : throw new BackupFailure(
                FailureKind.Usage,
                $"usage: \"{snapshot}\" is not a snapshot's name (SUBVOLUME.yyyyMMddTHHmmssZ, as status and find print them)"
            );
}
