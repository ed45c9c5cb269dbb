namespace BtrfsToS3.Shared.Catalog;

/// <summary>
/// One snapshot's tree, as its chain's catalogs replayed up to its stream make it (<see cref="ChainReplay"/>): paths,
/// inodes with their attributes, hard links, xattrs and extent maps. Nothing changes it once made; it shares every
/// inode and page its stream did not change with the trees before it.
/// </summary>
internal sealed class SnapshotTree
{
    private static readonly Comparer<byte[]> ByBytes = Comparer<byte[]>.Create(
        (a, b) => a.AsSpan().SequenceCompareTo(b)
    );

    private readonly long rootId;

    internal SnapshotTree(
        ChainReplay chain,
        int stream,
        CatalogHeader header,
        SubvolumeCommand snapshot,
        CatalogEnd end,
        InodeTable table,
        long rootId
    )
    {
        Chain = chain;
        Stream = stream;
        Subvolume = header.Subvolume;
        StreamName = header.Stream;
        Snapshot = snapshot.Path.ToString();
        Uuid = snapshot.Uuid;
        Ctransid = snapshot.Ctransid;
        ParentUuid = snapshot.CloneUuid;
        StreamBytes = end.StreamBytes;
        Table = table;
        this.rootId = rootId;
    }

    /// <summary>The stream's index in its chain: 0 for the full.</summary>
    public int Stream { get; }

    public string Subvolume { get; }

    /// <summary>The stream's name (its snapshot's name, <c>&lt;subvolume&gt;.&lt;time&gt;</c>).</summary>
    public string StreamName { get; }

    /// <summary>The name the stream's <c>subvol</c> or <c>snapshot</c> gives the snapshot.</summary>
    public string Snapshot { get; }

    public string Uuid { get; }

    public long Ctransid { get; }

    /// <summary>The parent snapshot's UUID; null for a full stream's.</summary>
    public string? ParentUuid { get; }

    public long StreamBytes { get; }

    public TreeInode Root => Table[rootId]!;

    internal ChainReplay Chain { get; }

    internal InodeTable Table { get; }

    /// <summary>The inode of that id, where this snapshot holds it.</summary>
    public TreeInode? Inode(long id) => Table[id];

    /// <summary>The entry at <paramref name="path"/> (relative, '/'-separated, names as <see
    /// cref="EntryName.ToString"/> writes them; empty for the top directory), or null where none is.</summary>
    public TreeEntry? Lookup(string path) =>
        CatalogPath.FromString(path) is { } parsed && Table.Resolve(rootId, parsed) is { } id
            ? new TreeEntry(path, Table[id]!)
            : null;

    /// <summary>The entries of the directory at <paramref name="directory"/>, by name; null where it is not a
    /// directory.</summary>
    public IReadOnlyList<TreeEntry>? List(string directory) =>
        Lookup(directory) is { Inode.Kind: InodeKind.Directory } entry
            ? [.. entry.Inode.Entries.Select(e => new TreeEntry(Join(directory, e.Key), Table[e.Value]!))]
            : null;

    /// <summary>Every entry, the top directory first, depth first, each directory's entries by name.</summary>
    public IEnumerable<TreeEntry> Walk()
    {
        TreeInode root = Root;
        yield return new TreeEntry(string.Empty, root);
        var open = new Stack<(string Path, IEnumerator<KeyValuePair<EntryName, long>> Entries)>();
        open.Push((string.Empty, root.Entries.GetEnumerator()));
        while (open.Count > 0)
        {
            (string directory, IEnumerator<KeyValuePair<EntryName, long>> entries) = open.Peek();
            if (!entries.MoveNext())
            {
                entries.Dispose();
                open.Pop();
                continue;
            }

            string path = Join(directory, entries.Current.Key);
            TreeInode inode = Table[entries.Current.Value]!;
            yield return new TreeEntry(path, inode);
            if (inode.Kind == InodeKind.Directory)
            {
                open.Push((path, inode.Entries.GetEnumerator()));
            }
        }
    }

    /// <summary>The paths of all of an inode's names in this snapshot, in walk order.</summary>
    public IReadOnlyList<string> PathsOf(TreeInode inode) =>
        inode.Id == rootId ? [string.Empty] : WalkOrder(inode.Links.Select(PathOf));

    /// <summary>The path of one name of an inode in this snapshot.</summary>
    public string PathOf(InodeLink link) => Join(DirectoryPath(link.Parent), link.Name);

    /// <summary><paramref name="paths"/> in the order <see cref="Walk"/> gives them: by their names' bytes, a
    /// directory before what it holds (so '/' sorts before every byte of a name).</summary>
    public static IReadOnlyList<string> WalkOrder(IEnumerable<string> paths) =>
        [.. paths.Select(p => (Path: p, Key: WalkKey(p))).OrderBy(p => p.Key, ByBytes).Select(p => p.Path)];

    private string DirectoryPath(long id)
    {
        var names = new List<EntryName>();
        while (id != rootId)
        {
            InodeLink link = Table[id]!.Links[0];
            names.Add(link.Name);
            id = link.Parent;
        }

        names.Reverse();
        return string.Join('/', names);
    }

    private static string Join(string directory, EntryName name) =>
        directory.Length == 0 ? name.ToString() : $"{directory}/{name}";

    /// <summary>The path's names' bytes joined by 0, which no name holds: compared byte by byte, such keys order as
    /// <see cref="Walk"/> does.</summary>
    private static byte[] WalkKey(string path)
    {
        var key = new List<byte>(path.Length);
        foreach (EntryName name in (CatalogPath.FromString(path) ?? CatalogPath.Root).Parts)
        {
            if (key.Count > 0)
            {
                key.Add(0);
            }

            key.AddRange(name.Bytes);
        }

        return [.. key];
    }
}
