using BtrfsToS3.Shared.Catalog;
using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Uploader.Catalog;

namespace BtrfsToS3.Uploader.Commands;

/// <summary>
/// <c>ls SUBVOLUME[@SNAPSHOT][:PATH] [-l] [-R] [--json]</c>: a directory (or the file) as it was in a snapshot, from
/// the catalogs alone. The subvolumes nested in a directory show as directories at their paths, as a restore puts
/// them; a path inside one lists that subvolume's tree of the same run.
/// </summary>
internal static class LsCommand
{
    public static async Task<int> RunAsync(
        SnapshotLocator locator,
        SnapshotSpec spec,
        bool longFormat,
        bool recursive,
        bool json,
        TextWriter output,
        CancellationToken cancellationToken
    )
    {
        (SnapshotTree tree, Manifest manifest, string path, string nestedAt) = await locator.FindAsync(
            spec,
            cancellationToken
        );
        TreeEntry entry = tree.Lookup(path)
            ?? throw new BackupFailure(
                FailureKind.BadData,
                $"ls: {Shown(spec.Subvolume, tree.StreamName, spec.Path)} does not exist in that snapshot"
            );
        string prefix = nestedAt.Length == 0 ? string.Empty : nestedAt + "/";
        if (entry.Inode.Kind != InodeKind.Directory)
        {
            Print(output, tree, entry.Inode, prefix + entry.Path, entry.Name, longFormat, json);
            return ExitCodes.Ok;
        }

        IEnumerable<TreeEntry> entries = recursive
            ? tree.Walk().Where(e => e.Path.Length > 0 && Within(e.Path, path))
            : tree.List(path)!;
        var nested = new HashSet<string>(
            manifest.NestedPaths.Where(n => Within(n, path) && (recursive || Parent(n) == path)),
            StringComparer.Ordinal
        );
        foreach (TreeEntry child in entries)
        {
            Print(
                output,
                tree,
                child.Inode,
                prefix + child.Path,
                recursive ? child.Path : child.Name,
                longFormat,
                json
            );
        }

        foreach (string place in nested.Order(StringComparer.Ordinal))
        {
            string shown = recursive ? place : place[(place.LastIndexOf('/') + 1)..];
            output.WriteLine(
                json
                    ? EntryText.Json(null, prefix + place, ("type", "subvolume"))
                    : $"{shown}/ (nested subvolume: ls {spec.Subvolume}@{tree.StreamName}:{prefix}{place})"
            );
        }

        return ExitCodes.Ok;
    }

    private static void Print(
        TextWriter output,
        SnapshotTree tree,
        TreeInode inode,
        string fullPath,
        string shown,
        bool longFormat,
        bool json
    ) =>
        output.WriteLine(
            json ? EntryText.Json(inode, fullPath, ("snapshot", tree.StreamName))
            : longFormat ? EntryText.Long(inode, shown)
            : shown
        );

    /// <summary>True when <paramref name="path"/> lies below the directory (the top is "").</summary>
    private static bool Within(string path, string directory) =>
        directory.Length == 0 || path.StartsWith(directory + "/", StringComparison.Ordinal);

    private static string Parent(string path) =>
        path.LastIndexOf('/') is int slash and >= 0 ? path[..slash] : string.Empty;

    public static string Shown(string subvolume, string snapshot, string path) =>
        $"{subvolume}@{snapshot}:{(path.Length == 0 ? "/" : path)}";
}
