using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.Format;

namespace BtrfsToS3.Shared.Catalog;

/// <summary>
/// Replays one stream's commands onto its parent's tree (an empty one for a full), as <c>btrfs receive</c> applies
/// them (btrfs-progs cmds/receive.c): creating with receive's modes (a chmod follows), rename(2), link(2), unlink(2),
/// rmdir(2), xattrs, pwrite, encoded writes, clone ranges, truncate(2), fallocate(2). It changes nothing of the parent:
/// each inode, directory node and table page is copied the first time this stream changes it (<see
/// cref="ReplayGeneration"/>). A command receive would refuse (a name that exists already or is missing, a rename over
/// a full directory) is bad data: the catalog does not describe a stream btrfs sent.
/// </summary>
internal sealed class TreeBuilder
{
    private readonly string catalog;
    private readonly ReplayGeneration generation;
    private readonly SnapshotTree? parent;
    private readonly SubvolumeCommand snapshot;
    private readonly InodeTable table;
    private readonly long rootId;

    /// <param name="catalog">The name messages give the catalog.</param>
    /// <param name="stream">The stream's index in its chain.</param>
    /// <param name="parent">The parent snapshot's tree; null for a full stream.</param>
    /// <param name="snapshot">The stream's <c>subvol</c> or <c>snapshot</c>.</param>
    /// <param name="firstId">The first inode id no tree of the chain has used.</param>
    public TreeBuilder(string catalog, int stream, SnapshotTree? parent, SubvolumeCommand snapshot, long firstId)
    {
        this.catalog = catalog;
        this.parent = parent;
        this.snapshot = snapshot;
        generation = new ReplayGeneration(stream);
        NextId = firstId;
        if (parent is null)
        {
            table = InodeTable.Empty(generation);
            rootId = NextId++;
            table.Set(TreeInode.Create(rootId, generation, InodeKind.Directory, 0x1ED)); // 0755, as mkfs makes it
        }
        else
        {
            table = parent.Table.Writable(generation);
            rootId = parent.Root.Id;
        }
    }

    /// <summary>The first inode id not used yet, for the next stream of the chain.</summary>
    public long NextId { get; private set; }

    public void Apply(CatalogCommand command)
    {
        switch (command)
        {
            case CreateCommand c:
                Create(c);
                break;
            case RenameCommand c:
                Rename(c);
                break;
            case LinkCommand c:
                Link(c);
                break;
            case RemoveCommand c:
                Remove(c);
                break;
            case SetXattrCommand c:
                Writable(Existing(c, c.Path, "path")).SetXattr(c.Name, c.Value);
                break;
            case RemoveXattrCommand c:
                if (!Writable(Existing(c, c.Path, "path")).RemoveXattr(c.Name))
                {
                    throw Fail(c, "name", c.Name.ToString(), $"is not an xattr of {c.Path}");
                }

                break;
            case WriteCommand c:
                RegularFile(c)
                    .Write(new DataExtent(c.Offset, c.Length, generation.Stream, c.Data, c.Piece, c.Stride, 0));
                break;
            case EncodedWriteCommand c:
                RegularFile(c)
                    .Write(
                        new EncodedExtent(
                            c.Offset,
                            c.UnencodedFileLength,
                            generation.Stream,
                            c.Data,
                            c.Length,
                            c.Compression,
                            c.UnencodedLength,
                            c.UnencodedOffset
                        )
                    );
                break;
            case CloneCommand c:
                Clone(c);
                break;
            case TruncateCommand c:
                RegularFile(c).Truncate(c.Size);
                break;
            case ChmodCommand c:
                Writable(Existing(c, c.Path, "path")).SetMode(c.Mode);
                break;
            case ChownCommand c:
                Writable(Existing(c, c.Path, "path")).SetOwner(c.Uid, c.Gid);
                break;
            case UtimesCommand c:
                Writable(Existing(c, c.Path, "path")).SetTimes(c.Atime, c.Mtime, c.Ctime);
                break;
            case FallocateCommand c:
                Fallocate(c);
                break;
            case FileattrCommand c:
                Writable(Existing(c, c.Path, "path")).SetFileAttributes(c.Attributes);
                break;
            case EnableVerityCommand c:
                RegularFile(c).SetVerity(c.Settings);
                break;
            default:
                throw Fail(command, "op", command.Op, "may only be the stream's first command");
        }
    }

    /// <summary>The stream's tree, published: nothing changes it from here on.</summary>
    public SnapshotTree Finish(ChainReplay chain, CatalogHeader header, CatalogEnd end)
    {
        generation.Freeze();
        return new SnapshotTree(chain, generation.Stream, header, snapshot, end, table, rootId);
    }

    private void Create(CreateCommand c)
    {
        (long directory, EntryName name) = Place(c, c.Path, "path");
        if (table[directory]!.TryGetEntry(name, out _))
        {
            throw Fail(c, "path", c.Path.ToString(), "exists already");
        }

        // receive's modes: creat(0600), mkdir(0700), mknod with the type bits only, mkfifo(0600), mksock 0600, and a
        // symlink's 0777; the stream's chmod follows where the source's differ.
        int mode = c.Kind switch
        {
            InodeKind.Directory => 0x1C0,
            InodeKind.Symlink => 0x1FF,
            InodeKind.CharDevice or InodeKind.BlockDevice => 0,
            _ => 0x180,
        };
        TreeInode inode = TreeInode.Create(NextId++, generation, c.Kind, mode, c.Rdev, c.Target);
        inode.AddLink(new InodeLink(directory, name));
        table.Set(inode);
        Writable(directory).SetEntry(name, inode.Id);
    }

    private void Rename(RenameCommand c)
    {
        (long from, EntryName fromName) = Place(c, c.Path, "path");
        if (!table[from]!.TryGetEntry(fromName, out long id))
        {
            throw Fail(c, "path", c.Path.ToString(), "names nothing in the tree");
        }

        (long to, EntryName toName) = Place(c, c.To, "to");
        bool directory = table[id]!.Kind == InodeKind.Directory;
        if (table[to]!.TryGetEntry(toName, out long replaced))
        {
            if (replaced == id)
            {
                return; // rename(2) of two names of one inode does nothing
            }

            TreeInode old = table[replaced]!;
            if (directory && (old.Kind != InodeKind.Directory || old.EntryCount > 0))
            {
                throw Fail(c, "to", c.To.ToString(), "is not an empty directory, which a directory may replace");
            }

            if (!directory && old.Kind == InodeKind.Directory)
            {
                throw Fail(c, "to", c.To.ToString(), "is a directory, which only a directory may replace");
            }
        }

        if (directory && Holds(id, to))
        {
            throw Fail(c, "to", c.To.ToString(), $"lies in {c.Path}, the directory it renames");
        }

        if (table[to]!.TryGetEntry(toName, out replaced))
        {
            Unname(to, toName, replaced);
        }

        Writable(from).RemoveEntry(fromName);
        Writable(to).SetEntry(toName, id);
        TreeInode moved = Writable(id);
        moved.RemoveLink(new InodeLink(from, fromName));
        moved.AddLink(new InodeLink(to, toName));
    }

    private void Link(LinkCommand c)
    {
        long id = Existing(c, c.Target, "target");
        if (table[id]!.Kind == InodeKind.Directory)
        {
            throw Fail(c, "target", c.Target.ToString(), "is a directory, which has one name only");
        }

        (long directory, EntryName name) = Place(c, c.Path, "path");
        if (table[directory]!.TryGetEntry(name, out _))
        {
            throw Fail(c, "path", c.Path.ToString(), "exists already");
        }

        Writable(directory).SetEntry(name, id);
        Writable(id).AddLink(new InodeLink(directory, name));
    }

    private void Remove(RemoveCommand c)
    {
        (long directory, EntryName name) = Place(c, c.Path, "path");
        if (!table[directory]!.TryGetEntry(name, out long id))
        {
            throw Fail(c, "path", c.Path.ToString(), "names nothing in the tree");
        }

        TreeInode inode = table[id]!;
        if (c.Directory && inode.Kind != InodeKind.Directory)
        {
            throw Fail(c, "path", c.Path.ToString(), "is not a directory");
        }

        if (c.Directory && inode.EntryCount > 0)
        {
            throw Fail(c, "path", c.Path.ToString(), "is a directory that is not empty");
        }

        if (!c.Directory && inode.Kind == InodeKind.Directory)
        {
            throw Fail(c, "path", c.Path.ToString(), "is a directory, which unlink does not remove");
        }

        Unname(directory, name, id);
    }

    /// <summary>A clone reads its source in the parent's tree where <c>source_uuid</c> is the parent's, and in this
    /// tree as it is now where it is this snapshot's own.</summary>
    private void Clone(CloneCommand c)
    {
        (InodeTable sourceTable, long sourceTop, long ctransid) =
            string.Equals(c.SourceUuid, snapshot.Uuid, StringComparison.OrdinalIgnoreCase)
                ? (table, rootId, snapshot.Ctransid)
            : parent is not null && string.Equals(c.SourceUuid, parent.Uuid, StringComparison.OrdinalIgnoreCase)
                ? (parent.Table, parent.Root.Id, parent.Ctransid)
            : throw Fail(c, "source_uuid", c.SourceUuid, "is neither this snapshot's uuid nor its parent's");
        if (c.SourceCtransid != ctransid)
        {
            throw Fail(c, "source_ctransid", c.SourceCtransid, "is not the ctransid of the snapshot source_uuid names");
        }

        if (sourceTable.Resolve(sourceTop, c.SourcePath) is not { } sourceId)
        {
            throw Fail(c, "source_path", c.SourcePath.ToString(), "names nothing in the snapshot source_uuid names");
        }

        TreeInode source = sourceTable[sourceId]!;
        if (source.Kind != InodeKind.File)
        {
            throw Fail(c, "source_path", c.SourcePath.ToString(), "is not a regular file");
        }

        // As the clone ioctl takes it, a length of 0 reaches the source's end.
        long length = c.Length == 0 ? source.Size - c.SourceOffset : c.Length;
        if (length < 0 || c.SourceOffset + length > source.Size)
        {
            throw Fail(c, "length", c.Length, $"reaches past the end of {c.SourcePath}, byte {source.Size}");
        }

        long shift = c.Offset - c.SourceOffset;
        IReadOnlyList<FileExtent> pieces =
        [
            .. source
                .ExtentsIn(c.SourceOffset, c.SourceOffset + length)
                .Select(e => e with { Offset = e.Offset + shift }),
        ];
        RegularFile(c).Replace(c.Offset, length, pieces);
    }

    private void Fallocate(FallocateCommand c)
    {
        TreeInode file = RegularFile(c);
        switch (c.Mode)
        {
            case 0:
                file.GrowTo(c.Offset + c.Length); // allocated bytes past the end read zeros: a hole
                break;
            case FallocateCommand.KeepSize | FallocateCommand.PunchHole:
                file.PunchHole(c.Offset, c.Offset + c.Length);
                break;
            default:
                break; // allocating within the size changes nothing a reader sees
        }
    }

    /// <summary>Drops the name, and the inode with its last name.</summary>
    private void Unname(long directory, EntryName name, long id)
    {
        Writable(directory).RemoveEntry(name);
        if (table[id]!.Links.Length == 1)
        {
            table.Remove(id);
        }
        else
        {
            Writable(id).RemoveLink(new InodeLink(directory, name));
        }
    }

    /// <summary>Whether the directory <paramref name="ancestor"/> is <paramref name="directory"/> or holds
    /// it.</summary>
    private bool Holds(long ancestor, long directory)
    {
        for (long id = directory; id != rootId; id = table[id]!.Links[0].Parent)
        {
            if (id == ancestor)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The directory a new or moved name goes into, and the name.</summary>
    private (long Directory, EntryName Name) Place(CatalogCommand c, CatalogPath path, string field)
    {
        var parts = path.Parts;
        long id = rootId;
        foreach (EntryName part in parts[..^1])
        {
            TreeInode directory = table[id]!;
            if (directory.Kind != InodeKind.Directory || !directory.TryGetEntry(part, out id))
            {
                throw Fail(c, field, path.ToString(), "lies in no directory of the tree");
            }
        }

        if (table[id]!.Kind != InodeKind.Directory)
        {
            throw Fail(c, field, path.ToString(), "lies in no directory of the tree");
        }

        return (id, parts[^1]);
    }

    private long Existing(CatalogCommand c, CatalogPath path, string field) =>
        table.Resolve(rootId, path) ?? throw Fail(c, field, path.ToString(), "names nothing in the tree");

    private TreeInode RegularFile(CatalogCommand c)
    {
        long id = Existing(c, c.Path, "path");
        if (table[id]!.Kind != InodeKind.File)
        {
            throw Fail(c, "path", c.Path.ToString(), $"is not a regular file, which {c.Op} needs");
        }

        return Writable(id);
    }

    /// <summary>The inode for this stream to change: copied into the table the first time.</summary>
    private TreeInode Writable(long id)
    {
        TreeInode inode = table[id]!;
        if (!inode.IsStamped(generation))
        {
            inode = inode.CopyFor(generation);
            table.Set(inode);
        }

        return inode;
    }

    private BackupFailure Fail(CatalogCommand c, string field, object? value, string rule) =>
        new FieldCheck($"{catalog} line {c.Line}").Violation(field, value, rule);
}
