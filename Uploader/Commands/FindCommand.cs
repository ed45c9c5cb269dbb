using BtrfsToS3.Shared.Catalog;
using BtrfsToS3.Uploader.Catalog;

namespace BtrfsToS3.Uploader.Commands;

/// <summary>
/// <c>find SUBVOLUME PATTERN</c>: every path matching the glob in any snapshot of any kept generation, with the
/// snapshots it is in and those it changed in; <c>--history PATH</c>: one path through every snapshot. From the
/// catalogs alone. A snapshot "changed" a path where the path appeared, or its inode was written in that snapshot's
/// stream; a full stream writes everything, so there a path counts as changed only where it differs from the snapshot
/// before (size, modification time, type or target).
/// </summary>
internal static class FindCommand
{
    public static async Task<int> RunAsync(
        CatalogLoader loader,
        string subvolume,
        PathGlob? pattern,
        string? history,
        bool json,
        TextWriter output,
        CancellationToken cancellationToken
    )
    {
        IReadOnlyList<CatalogChain> generations = await loader.GenerationsAsync(subvolume, cancellationToken);
        var found = new SortedDictionary<string, List<(string Snapshot, string Change)>>(StringComparer.Ordinal);
        var before = new Dictionary<string, TreeInode>(StringComparer.Ordinal);
        foreach (CatalogChain chain in generations)
        {
            foreach (SnapshotTree tree in chain.Trees)
            {
                var now = new Dictionary<string, TreeInode>(StringComparer.Ordinal);
                IEnumerable<TreeEntry> entries =
                    history is null ? tree.Walk().Where(e => e.Path.Length > 0 && pattern!.Matches(e.Path))
                    : tree.Lookup(history.Trim('/')) is { } one ? [one]
                    : [];
                foreach (TreeEntry entry in entries)
                {
                    now[entry.Path] = entry.Inode;
                    string change = Change(before.GetValueOrDefault(entry.Path), entry.Inode, tree);
                    (found.TryGetValue(entry.Path, out var seen) ? seen : found[entry.Path] = []).Add(
                        (tree.StreamName, change)
                    );
                }

                foreach (string gone in before.Keys.Where(p => !now.ContainsKey(p)))
                {
                    found[gone].Add((tree.StreamName, "removed"));
                }

                before = now;
            }
        }

        foreach ((string path, List<(string Snapshot, string Change)> snapshots) in found)
        {
            if (history is not null)
            {
                WriteHistory(output, generations, path, snapshots, json);
                continue;
            }

            List<string> present = [.. snapshots.Where(s => s.Change != "removed").Select(s => s.Snapshot)];
            List<string> changed =
            [
                .. snapshots.Where(s => s.Change is not "unchanged").Select(s => $"{s.Snapshot} ({s.Change})"),
            ];
            output.WriteLine(
                json
                    ? EntryText.Json(
                        null,
                        path,
                        ("first", present.FirstOrDefault() ?? "-"),
                        ("last", present.LastOrDefault() ?? "-"),
                        ("in_snapshots", present.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                        ("changed_in", string.Join(' ', changed))
                    )
                    : $"{path}  in {present.Count} snapshots ({present.FirstOrDefault()} … {present.LastOrDefault()}); changed in {string.Join(", ", changed)}"
            );
        }

        WriteUncatalogued(output, generations);
        return found.Count > 0 || history is null ? ExitCodes.Ok : NotFound(subvolume, history!);
    }

    private static string Change(TreeInode? before, TreeInode now, SnapshotTree tree)
    {
        if (before is null)
        {
            return "added";
        }

        bool same =
            before.Kind == now.Kind
            && before.Size == now.Size
            && before.Mtime == now.Mtime
            && before.SymlinkTarget == now.SymlinkTarget;
        bool written = tree.ParentUuid is null ? !same : now.ChangedIn == tree.Stream || before.Id != now.Id;
        return written ? "modified" : "unchanged";
    }

    private static void WriteHistory(
        TextWriter output,
        IReadOnlyList<CatalogChain> generations,
        string path,
        List<(string Snapshot, string Change)> snapshots,
        bool json
    )
    {
        foreach ((string snapshot, string change) in snapshots)
        {
            TreeInode? inode = generations
                .SelectMany(g => g.Trees)
                .First(t => t.StreamName == snapshot)
                .Lookup(path)
                ?.Inode;
            output.WriteLine(
                json ? EntryText.Json(inode, path, ("snapshot", snapshot), ("change", change))
                : inode is null ? $"{snapshot}  {change, -9}"
                : $"{snapshot}  {change, -9}  {EntryText.Long(inode, path)}"
            );
        }
    }

    /// <summary>Says which snapshots could not be searched: a stream without a catalog and those after it.</summary>
    private static void WriteUncatalogued(TextWriter output, IReadOnlyList<CatalogChain> generations)
    {
        List<string> without = [.. generations.Where(g => g.Uncatalogued is not null).SelectMany(g => g.WithoutTree)];
        if (without.Count > 0)
        {
            Console.Error.WriteLine(
                $"find: not searched, without a catalog (published before 0.3.0, or with [spool] catalog = no, or after such a stream in its chain): {string.Join(", ", without)}"
            );
        }
    }

    private static int NotFound(string subvolume, string path) =>
        throw new BackupFailure(
            FailureKind.BadData,
            $"find: {subvolume}:{path} is in no snapshot kept in S3 that has a catalog"
        );
}
