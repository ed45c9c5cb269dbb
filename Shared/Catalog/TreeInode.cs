using System.Collections.Immutable;

namespace BtrfsToS3.Shared.Catalog;

/// <summary>
/// One inode of a snapshot's tree: a file, directory, symlink or special file, with its attributes, its names
/// (<see cref="Links"/>; a hard-link group is one inode with several), a directory's entries and a regular file's
/// extent map. <see cref="Id"/> is the inode's identity across the snapshots of its chain (made by the replay: a send
/// stream carries no inode numbers), so a rename is recognised; an inode no stream changed is the same object in
/// every tree that holds it, so <c>ReferenceEquals</c> tells it unchanged.
/// </summary>
/// <remarks>Only the replay of the stream whose stamp it carries changes it (<see cref="ReplayGeneration"/>); every
/// change throws once that stream's tree is published.</remarks>
internal sealed class TreeInode
{
    private ReplayGeneration stamp;
    private CowMap<EntryName, long>? entries;
    private CowMap<long, FileExtent>? extents;

    private TreeInode(long id, ReplayGeneration stamp, InodeKind kind)
    {
        Id = id;
        this.stamp = stamp;
        Kind = kind;
    }

    public long Id { get; }

    public InodeKind Kind { get; }

    /// <summary>The stream (its index in the chain) that made this version of the inode.</summary>
    public int ChangedIn => stamp.Stream;

    /// <summary>The permission bits (07777).</summary>
    public int Mode { get; private set; }

    public long Uid { get; private set; }

    public long Gid { get; private set; }

    /// <summary>A device's number, as btrfs send encodes it.</summary>
    public long Rdev { get; private set; }

    /// <summary>A regular file's size; a symlink's target's length; 0 for the others.</summary>
    public long Size { get; private set; }

    public InodeTime Atime { get; private set; }

    public InodeTime Mtime { get; private set; }

    public InodeTime Ctime { get; private set; }

    /// <summary>A symlink's target, as bytes.</summary>
    public EntryName? Target { get; private init; }

    /// <summary>A symlink's target, as <see cref="EntryName.ToString"/> writes it.</summary>
    public string? SymlinkTarget => Target?.ToString();

    /// <summary>The inode flags <c>fileattr</c> set, 0 where none did: btrfs's own, its inode item's as they are
    /// (BTRFS_INODE_*: noatime is 1 &lt;&lt; 9, where FS_IOC_GETFLAGS says 0x80), as btrfs send carries them.</summary>
    public long FileAttributes { get; private set; }

    public VeritySettings? Verity { get; private set; }

    /// <summary>The extended attributes, by name.</summary>
    public ImmutableArray<Xattr> Xattrs { get; private set; } = [];

    /// <summary>The inode's names: one for a directory, none for the top directory, one or more for others.</summary>
    public ImmutableArray<InodeLink> Links { get; private set; } = [];

    /// <summary>How many entries a directory holds.</summary>
    public int EntryCount => entries?.Count ?? 0;

    /// <summary>A directory's entries by name, each with its inode's id.</summary>
    public IEnumerable<KeyValuePair<EntryName, long>> Entries => entries?.All() ?? [];

    /// <summary>A regular file's extents, in file order.</summary>
    public IEnumerable<FileExtent> Extents => extents?.All().Select(e => e.Value) ?? [];

    public static TreeInode Create(
        long id,
        ReplayGeneration stamp,
        InodeKind kind,
        int mode,
        long rdev = 0,
        EntryName? target = null
    ) =>
        new(id, stamp, kind)
        {
            Mode = mode,
            Rdev = rdev,
            Target = target,
            Size = target?.Length ?? 0,
            entries = kind == InodeKind.Directory ? CowMap<EntryName, long>.Empty(stamp) : null,
        };

    public bool TryGetEntry(EntryName name, out long id) => entries!.TryGetValue(name, out id);

    /// <summary>The extents over [<paramref name="from"/>, <paramref name="to"/>), cut to that range.</summary>
    public IReadOnlyList<FileExtent> ExtentsIn(long from, long to)
    {
        var found = new List<FileExtent>();
        if (extents is null || from >= to)
        {
            return found;
        }

        if (extents.Floor(from, out KeyValuePair<long, FileExtent> before) && before.Key < from)
        {
            found.Add(before.Value);
        }

        found.AddRange(extents.From(from).TakeWhile(e => e.Key < to).Select(e => e.Value));
        return
        [
            .. found
                .Where(e => e.End > from)
                .Select(e =>
                    e.Offset >= from && e.End <= to ? e : e.Slice(Math.Max(from, e.Offset), Math.Min(to, e.End))
                ),
        ];
    }

    /// <summary>Whether the two versions of one inode hold the same attributes, xattrs and extents (names
    /// aside).</summary>
    public bool SameContentAs(TreeInode other) =>
        ReferenceEquals(this, other)
        || (
            Kind == other.Kind
            && Mode == other.Mode
            && Uid == other.Uid
            && Gid == other.Gid
            && Rdev == other.Rdev
            && Size == other.Size
            && Atime == other.Atime
            && Mtime == other.Mtime
            && Ctime == other.Ctime
            && Target == other.Target
            && FileAttributes == other.FileAttributes
            && Equals(Verity, other.Verity)
            && Xattrs.SequenceEqual(other.Xattrs)
            && SameExtentsAs(other)
        );

    /// <summary>A copy stamped <paramref name="generation"/> for that stream to change; its maps are shared until it
    /// writes them.</summary>
    public TreeInode CopyFor(ReplayGeneration generation)
    {
        var copy = (TreeInode)MemberwiseClone();
        copy.stamp = generation;
        return copy;
    }

    public bool IsStamped(ReplayGeneration generation) => stamp == generation;

    public void SetMode(int mode)
    {
        stamp.AssertOpen();
        Mode = mode;
    }

    public void SetOwner(long uid, long gid)
    {
        stamp.AssertOpen();
        Uid = uid;
        Gid = gid;
    }

    public void SetTimes(InodeTime atime, InodeTime mtime, InodeTime ctime)
    {
        stamp.AssertOpen();
        Atime = atime;
        Mtime = mtime;
        Ctime = ctime;
    }

    public void SetFileAttributes(long attributes)
    {
        stamp.AssertOpen();
        FileAttributes = attributes;
    }

    public void SetVerity(VeritySettings verity)
    {
        stamp.AssertOpen();
        Verity = verity;
    }

    public void SetXattr(EntryName name, ImmutableArray<byte> value)
    {
        stamp.AssertOpen();
        int i = XattrIndex(name);
        Xattrs = i >= 0 ? Xattrs.SetItem(i, new Xattr(name, value)) : Xattrs.Insert(~i, new Xattr(name, value));
    }

    /// <summary>Removes the xattr; false where the inode has none of that name.</summary>
    public bool RemoveXattr(EntryName name)
    {
        stamp.AssertOpen();
        int i = XattrIndex(name);
        if (i < 0)
        {
            return false;
        }

        Xattrs = Xattrs.RemoveAt(i);
        return true;
    }

    public void AddLink(InodeLink link)
    {
        stamp.AssertOpen();
        Links = Links.Add(link);
    }

    public void RemoveLink(InodeLink link)
    {
        stamp.AssertOpen();
        Links = Links.Remove(link);
    }

    public void SetEntry(EntryName name, long id)
    {
        stamp.AssertOpen();
        entries = entries!.Writable(stamp);
        entries.Set(name, id);
    }

    public void RemoveEntry(EntryName name)
    {
        stamp.AssertOpen();
        entries = entries!.Writable(stamp);
        entries.Remove(name);
    }

    /// <summary>Puts <paramref name="extent"/> over whatever the file held there, growing it to the extent's
    /// end.</summary>
    public void Write(FileExtent extent)
    {
        if (extent.Length == 0)
        {
            return; // pwrite of nothing: no byte and no size changes
        }

        CowMap<long, FileExtent> map = WritableExtents();
        Clear(map, extent.Offset, extent.End);
        map.Set(extent.Offset, extent);
        Size = Math.Max(Size, extent.End);
    }

    /// <summary>Makes [<paramref name="offset"/>, + <paramref name="length"/>) <paramref name="pieces"/> (extents in
    /// that range) and holes between them, growing the file to the range's end: a clone.</summary>
    public void Replace(long offset, long length, IReadOnlyList<FileExtent> pieces)
    {
        if (length == 0)
        {
            return;
        }

        CowMap<long, FileExtent> map = WritableExtents();
        Clear(map, offset, offset + length);
        foreach (FileExtent piece in pieces)
        {
            map.Set(piece.Offset, piece);
        }

        Size = Math.Max(Size, offset + length);
    }

    /// <summary>Makes [<paramref name="from"/>, <paramref name="to"/>) a hole, keeping the size.</summary>
    public void PunchHole(long from, long to) => Clear(WritableExtents(), from, to);

    /// <summary>Cuts the file to <paramref name="size"/>, or grows it with a hole.</summary>
    public void Truncate(long size)
    {
        Clear(WritableExtents(), size, long.MaxValue);
        Size = size;
    }

    /// <summary>Grows the file to <paramref name="size"/> without data (a hole), where it is smaller.</summary>
    public void GrowTo(long size)
    {
        stamp.AssertOpen();
        Size = Math.Max(Size, size);
    }

    private CowMap<long, FileExtent> WritableExtents()
    {
        stamp.AssertOpen();
        extents = (extents ?? CowMap<long, FileExtent>.Empty(stamp)).Writable(stamp);
        return extents;
    }

    /// <summary>Removes what <paramref name="map"/> holds in [<paramref name="from"/>, <paramref name="to"/>),
    /// keeping the parts of extents that reach out of it.</summary>
    private static void Clear(CowMap<long, FileExtent> map, long from, long to)
    {
        var cut = new List<FileExtent>();
        if (map.Floor(from, out KeyValuePair<long, FileExtent> before) && before.Key < from && before.Value.End > from)
        {
            cut.Add(before.Value);
        }

        cut.AddRange(map.From(from).TakeWhile(e => e.Key < to).Select(e => e.Value));
        foreach (FileExtent extent in cut)
        {
            map.Remove(extent.Offset);
            if (extent.Offset < from)
            {
                map.Set(extent.Offset, extent.Slice(extent.Offset, from));
            }

            if (extent.End > to)
            {
                map.Set(to, extent.Slice(to, extent.End));
            }
        }
    }

    private bool SameExtentsAs(TreeInode other) =>
        (extents is null && other.extents is null)
        || (extents is not null && other.extents is not null && extents.SharesAll(other.extents))
        || Extents.SequenceEqual(other.Extents);

    private int XattrIndex(EntryName name)
    {
        int low = 0;
        int high = Xattrs.Length - 1;
        while (low <= high)
        {
            int middle = low + ((high - low) >> 1);
            int order = name.CompareTo(Xattrs[middle].Name);
            if (order == 0)
            {
                return middle;
            }

            (low, high) = order < 0 ? (low, middle - 1) : (middle + 1, high);
        }

        return ~low;
    }
}
