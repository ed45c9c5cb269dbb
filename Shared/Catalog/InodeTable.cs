namespace BtrfsToS3.Shared.Catalog;

/// <summary>
/// A snapshot's inodes by id, shared between the snapshots of a chain: pages of <see cref="PageSize"/> slots, each
/// page stamped with the <see cref="ReplayGeneration"/> that made it and copied the first time a later stream changes
/// it. Directories name inodes by id, so changing a file copies the file's inode and its page, never its directories;
/// and two tables of one chain differ only in the pages they do not share (<see cref="Differences"/>).
/// </summary>
internal sealed class InodeTable
{
    private const int PageBits = 6;
    private const int PageSize = 1 << PageBits;

    private readonly ReplayGeneration stamp;
    private TreeInode?[]?[] pages;
    private ReplayGeneration?[] pageStamps;

    private InodeTable(ReplayGeneration stamp, TreeInode?[]?[] pages, ReplayGeneration?[] pageStamps, int count)
    {
        this.stamp = stamp;
        this.pages = pages;
        this.pageStamps = pageStamps;
        Count = count;
    }

    /// <summary>How many inodes the table holds.</summary>
    public int Count { get; private set; }

    public static InodeTable Empty(ReplayGeneration stamp) => new(stamp, [], [], 0);

    public TreeInode? this[long id]
    {
        get
        {
            long page = id >> PageBits;
            return page < pages.Length ? pages[page]?[id & (PageSize - 1)] : null;
        }
    }

    /// <summary>The id of the inode <paramref name="path"/> names from the directory <paramref name="top"/>, or null
    /// where a part of it names nothing or a part before the last is not a directory.</summary>
    public long? Resolve(long top, CatalogPath path)
    {
        long id = top;
        foreach (EntryName part in path.Parts)
        {
            TreeInode directory = this[id]!;
            if (directory.Kind != InodeKind.Directory || !directory.TryGetEntry(part, out id))
            {
                return null;
            }
        }

        return id;
    }

    /// <summary>This table for writing in <paramref name="generation"/>: itself where it is that stream's, else a
    /// new table over the same pages (the page list is copied, not the pages).</summary>
    public InodeTable Writable(ReplayGeneration generation) =>
        generation == stamp
            ? this
            : new(generation, (TreeInode?[]?[])pages.Clone(), (ReplayGeneration?[])pageStamps.Clone(), Count);

    /// <summary>Puts <paramref name="inode"/> in its id's slot, in place of the inode there.</summary>
    public void Set(TreeInode inode)
    {
        TreeInode?[] page = WritablePage(inode.Id);
        ref TreeInode? slot = ref page[inode.Id & (PageSize - 1)];
        Count += slot is null ? 1 : 0;
        slot = inode;
    }

    public void Remove(long id)
    {
        if (this[id] is null)
        {
            return;
        }

        WritablePage(id)[id & (PageSize - 1)] = null;
        Count--;
    }

    /// <summary>Every id whose inode is not the same object in both tables (of one chain), in id order, with its inode
    /// in each (null where it has none); pages both share are skipped whole.</summary>
    public static IEnumerable<(TreeInode? Before, TreeInode? After)> Differences(InodeTable before, InodeTable after)
    {
        int length = Math.Max(before.pages.Length, after.pages.Length);
        for (int p = 0; p < length; p++)
        {
            TreeInode?[]? left = p < before.pages.Length ? before.pages[p] : null;
            TreeInode?[]? right = p < after.pages.Length ? after.pages[p] : null;
            if (left == right)
            {
                continue;
            }

            for (int i = 0; i < PageSize; i++)
            {
                TreeInode? b = left?[i];
                TreeInode? a = right?[i];
                if (b != a)
                {
                    yield return (b, a);
                }
            }
        }
    }

    private TreeInode?[] WritablePage(long id)
    {
        stamp.AssertOpen();
        long index = id >> PageBits;
        if (index >= pages.Length)
        {
            int length = (int)Math.Max(index + 1, pages.Length * 2L);
            Array.Resize(ref pages, length);
            Array.Resize(ref pageStamps, length);
        }

        TreeInode?[]? page = pages[index];
        if (page is null || pageStamps[index] != stamp)
        {
            page = page is null ? new TreeInode?[PageSize] : (TreeInode?[])page.Clone();
            pages[index] = page;
            pageStamps[index] = stamp;
        }

        return page;
    }
}
