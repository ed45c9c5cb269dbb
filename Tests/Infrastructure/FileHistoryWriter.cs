using System.Text;
using BtrfsToS3.Shared.Catalog;
using Microsoft.Win32.SafeHandles;
using Mono.Unix.Native;

namespace BtrfsToS3.Tests.Infrastructure;

/// <summary>
/// Applies <see cref="FileOperation"/>s to the tree under a directory with the system calls themselves (a process per
/// change would cost more than the change), resolving each against the tree as it is then: entries are picked by
/// index in path order, new names come from a small pool (a space, non-ASCII, a 255-byte name) so that renames and
/// links meet names that exist. It keeps a journal of what each operation did, in words, to show beside a failure.
/// </summary>
internal sealed class FileHistoryWriter(string root)
{
    /// <summary>No write, truncate, allocation or clone makes a file larger than this: histories stay small.</summary>
    public const long MaxFileSize = 2 * 1024 * 1024;

    private const long Block = 4096;
    private const long PastEnd = 64 * 1024;
    private const long GrowBy = 1024 * 1024;
    private const int MaxXattrValue = 2000;
    private const int MaxSymlinkTarget = 4000;

    /// <summary>No path below the root grows longer, in bytes, so that every path stays within PATH_MAX
    /// (4,096).</summary>
    private const int MaxPathBytes = 3000;

    private const long Billion = 1_000_000_000;

    private static readonly string[] Names =
    [
        "a",
        "b",
        "data.bin",
        "notes.txt",
        "with space",
        "ünïcödé",
        "-dash",
        ".hidden",
        "日本語",
        "x",
        new string('n', 255),
    ];

    private static readonly string[] XattrNames = ["a", "comment", "binary", "a.longer.name.of.an.attribute"];

    private readonly List<string> journal = [];

    /// <summary>What each operation did, one line each: <c>step N: what</c>.</summary>
    public IReadOnlyList<string> Journal => journal;

    public void Apply(int step, IEnumerable<FileOperation> operations)
    {
        foreach (FileOperation operation in operations)
        {
            journal.Add($"step {step}: {Apply(operation)}");
        }
    }

    /// <summary>The bytes content <paramref name="value"/> names: random (which no compressor shrinks), text, zeros,
    /// or random and zero 4 KiB blocks in turn, so that btrfs compresses some extents and not others.</summary>
    public static byte[] Content(long value, long length)
    {
        byte[] bytes = new byte[length];
        var random = new Random((int)(value >> 2));
        switch (value & 3)
        {
            case 0:
                random.NextBytes(bytes);
                break;
            case 1:
                byte[] phrase = new byte[1 + random.Next(40)];
                for (int i = 0; i < phrase.Length; i++)
                {
                    phrase[i] = (byte)random.Next(' ', '~');
                }

                for (int i = 0; i < bytes.Length; i++)
                {
                    bytes[i] = phrase[i % phrase.Length];
                }

                break;
            case 2:
                break;
            default:
                for (long block = 0; block < length; block += 2 * Block)
                {
                    random.NextBytes(bytes.AsSpan((int)block, (int)Math.Min(Block, length - block)));
                }

                break;
        }

        return bytes;
    }

    private string Apply(FileOperation op)
    {
        List<(string Path, FilePermissions Type)> entries = Entries();
        List<string> all = [.. entries.Select(e => e.Path)];
        List<string> directories = [.. entries.Where(e => e.Type == FilePermissions.S_IFDIR).Select(e => e.Path)];
        List<string> files = [.. entries.Where(e => e.Type == FilePermissions.S_IFREG).Select(e => e.Path)];
        List<string> others = [.. entries.Where(e => e.Type != FilePermissions.S_IFDIR).Select(e => e.Path)];
        // Where new names go: any directory short enough for one more name, the top one always.
        string place = Pick(
            [.. directories.Where(d => Bytes(d) + 1 + CatalogPath.MaxNameBytes <= MaxPathBytes)],
            op.Place
        )!;
        return op.Kind switch
        {
            FileOperationKind.CreateFile => CreateFile(NewPath(place, op.Name), op.Length, op.Value),
            FileOperationKind.Write => Pick(files, op.Target) is { } f ? Write(f, op) : "write: no file",
            FileOperationKind.Truncate => Pick(files, op.Target) is { } f ? Truncate(f, op) : "truncate: no file",
            FileOperationKind.PunchHole => Pick(files, op.Target) is { } f ? PunchHole(f, op) : "punch: no file",
            FileOperationKind.Allocate => Pick(files, op.Target) is { } f ? Allocate(f, op) : "allocate: no file",
            FileOperationKind.CloneFile => Pick(files, op.Target) is { } f
                ? CloneFile(f, op.Variant % 2 == 0 ? null : Pick(files, op.Place), NewPath(place, op.Name))
                : "clone: no file",
            FileOperationKind.CloneRange => Pick(files, op.Target) is { } f
                ? CloneRange(f, Pick(files, op.Place)!, op)
                : "clone range: no file",
            FileOperationKind.Rename => Pick(all.Skip(1).ToList(), op.Target) is { } e
                ? Rename(e, place, op.Name, all)
                : "rename: nothing",
            FileOperationKind.SwapNames => Pick(all.Skip(1).ToList(), op.Target) is { } e
                ? Swap(e, Pick(all.Skip(1).ToList(), op.Place)!, op.Name, all)
                : "swap: nothing",
            FileOperationKind.MakeDirectory => MakeDirectory(NewPath(place, op.Name)),
            FileOperationKind.RemoveDirectory => Pick(directories.Skip(1).ToList(), op.Target) is { } d
                ? RemoveDirectory(d, all)
                : "rmdir: no directory",
            FileOperationKind.Link => Pick(others, op.Target) is { } o
                ? Link(o, NewPath(place, op.Name))
                : "link: nothing to link",
            FileOperationKind.Unlink => Pick(others, op.Target) is { } o ? Unlink(o) : "unlink: nothing",
            FileOperationKind.Symlink => Symlink(NewPath(place, op.Name), SymlinkTarget(place, all, op)),
            FileOperationKind.MakeFifo => MakeFifo(NewPath(place, op.Name)),
            FileOperationKind.MakeNode => MakeNode(NewPath(place, op.Name), op),
            FileOperationKind.Chmod => Chmod(
                Pick([.. entries.Where(e => e.Type != FilePermissions.S_IFLNK).Select(e => e.Path)], op.Target)!,
                op.Value
            ),
            FileOperationKind.Chown => Chown(Pick(all, op.Target)!, op),
            FileOperationKind.SetXattr => SetXattr(Pick(all, op.Target)!, op),
            FileOperationKind.RemoveXattr => Pick([.. all.Where(e => Xattrs(e).Length > 0)], op.Target) is { } x
                ? RemoveXattr(x, op.Name)
                : "remove xattr: no entry has one",
            FileOperationKind.SetTimes => SetTimes(Pick(all, op.Target)!, op),
            _ => throw new ArgumentOutOfRangeException(nameof(op), op.Kind, "not an operation"),
        };
    }

    private string CreateFile(string path, long length, long value)
    {
        File.WriteAllBytes(Full(path), Content(value, length));
        return $"create {path}, {length} bytes of content {value & 3}";
    }

    private string Write(string file, FileOperation op)
    {
        long size = Size(file);
        long offset = op.Variant switch
        {
            0 => size,
            1 => AlignDown(op.Offset % (size + PastEnd + 1)),
            _ => op.Offset % (size + PastEnd + 1),
        };
        offset = Math.Min(offset, MaxFileSize - 1);
        long length = Math.Clamp(op.Length, 1, MaxFileSize - offset);
        using SafeFileHandle handle = File.OpenHandle(Full(file), FileMode.Open, FileAccess.Write);
        RandomAccess.Write(handle, Content(op.Value, length), offset);
        return $"write {file} at {offset} (size {size}), {length} bytes of content {op.Value & 3}";
    }

    private string Truncate(string file, FileOperation op)
    {
        long size = Size(file);
        long to = op.Variant switch
        {
            0 => op.Offset % (size + 1),
            1 => AlignDown(op.Offset % (size + 1)),
            _ => Math.Min(MaxFileSize, size + (op.Offset % (GrowBy + 1))),
        };
        using SafeFileHandle handle = File.OpenHandle(Full(file), FileMode.Open, FileAccess.Write);
        RandomAccess.SetLength(handle, to);
        return $"truncate {file} from {size} to {to}";
    }

    private string PunchHole(string file, FileOperation op)
    {
        long size = Size(file);
        if (size == 0)
        {
            return $"punch {file}: empty";
        }

        (long offset, long length) =
            op.Variant % 2 == 0
                ? (AlignDown(op.Offset % size), AlignUp(Math.Max(1, op.Length)))
                : (op.Offset % size, Math.Max(1, op.Length));
        using SafeFileHandle handle = File.OpenHandle(Full(file), FileMode.Open, FileAccess.Write);
        Check(NativeFile.PunchHole(handle, offset, length), $"punch a hole in {file}");
        return $"punch {file} (size {size}) at {offset}, {length} bytes";
    }

    private string Allocate(string file, FileOperation op)
    {
        long size = Size(file);
        long offset = Math.Min(op.Offset % (size + PastEnd + 1), MaxFileSize - 1);
        long length = Math.Clamp(op.Length, 1, MaxFileSize - offset);
        bool keepSize = op.Variant % 2 == 1;
        using SafeFileHandle handle = File.OpenHandle(Full(file), FileMode.Open, FileAccess.Write);
        Check(NativeFile.Allocate(handle, keepSize, offset, length), $"allocate in {file}");
        return $"allocate {file} (size {size}) at {offset}, {length} bytes{(keepSize ? ", keeping its size" : "")}";
    }

    /// <summary>As <c>cp --reflink=always</c>: into <paramref name="over"/> emptied first, or a new file.</summary>
    private string CloneFile(string source, string? over, string newPath)
    {
        if (over is not null && Inode(over) == Inode(source))
        {
            return $"clone {source} over itself: nothing";
        }

        string destination = over ?? newPath;
        using SafeFileHandle from = File.OpenHandle(Full(source), FileMode.Open, FileAccess.Read);
        using SafeFileHandle to = File.OpenHandle(
            Full(destination),
            over is null ? FileMode.CreateNew : FileMode.Truncate,
            FileAccess.Write
        );
        Check(NativeFile.Clone(to, from), $"clone {source} to {destination}");
        return $"clone {source} (size {Size(source)}) to {destination}";
    }

    /// <summary>A clone of a range, within the kernel's rules: 4 KiB-aligned offsets, a length aligned or reaching the
    /// source's end (and then not ending inside the destination), no overlap within one file.</summary>
    private string CloneRange(string source, string destination, FileOperation op)
    {
        long sourceSize = Size(source);
        if (sourceSize == 0)
        {
            return $"clone range of {source}: empty";
        }

        long destinationSize = Size(destination);
        long from = AlignDown(op.Offset % sourceSize);
        long length = op.Variant % 2 == 1 ? AlignDown(Math.Min(op.Length, sourceSize - from)) : 0;
        long reach = length == 0 ? sourceSize - from : length;
        long to = AlignDown(op.Value % (destinationSize + PastEnd + 1));
        if (length == 0 && sourceSize % Block != 0 && to + reach < destinationSize)
        {
            to = AlignUp(destinationSize - reach);
        }

        if (Inode(source) == Inode(destination) && to < from + reach && from < to + reach)
        {
            to = AlignUp(from + reach);
        }

        if (to + reach > MaxFileSize)
        {
            return $"clone range of {source} to {destination} at {to}: past the size limit";
        }

        using SafeFileHandle input = File.OpenHandle(Full(source), FileMode.Open, FileAccess.Read);
        using SafeFileHandle output = File.OpenHandle(Full(destination), FileMode.Open, FileAccess.Write);
        Check(
            NativeFile.CloneRange(output, to, input, from, length),
            $"clone {source} at {from}, {length} bytes, to {destination} at {to}"
        );
        return $"clone {source} (size {sourceSize}) at {from}, {reach} bytes, to {destination} (size "
            + $"{destinationSize}) at {to}";
    }

    /// <summary>rename(2) onto the pool's name, over what holds it where rename(2) may replace it (a non-directory by a
    /// non-directory, an empty directory by a directory), else onto a free name.</summary>
    private string Rename(string source, string directory, int name, List<string> all)
    {
        bool isDirectory = TypeOf(source) == FilePermissions.S_IFDIR;
        if (isDirectory && (directory == source || directory.StartsWith(source + "/", StringComparison.Ordinal)))
        {
            directory = Parent(source);
        }

        string destination = Join(directory, Names[name % Names.Length]);
        if (destination == source)
        {
            return $"rename {source} to itself: nothing";
        }

        string what = "";
        if (Exists(destination))
        {
            bool replaceable =
                TypeOf(destination) == FilePermissions.S_IFDIR
                    ? isDirectory && !Directory.EnumerateFileSystemEntries(Full(destination)).Any()
                    : !isDirectory;
            if (replaceable)
            {
                what = " over what was there";
            }
            else
            {
                destination = NewPath(directory, name);
            }
        }

        if (Bytes(destination) + Tail(all, source) > MaxPathBytes)
        {
            return $"rename {source} to {destination}: too deep";
        }

        Check(Syscall.rename(Full(source), Full(destination)), $"rename {source} to {destination}");
        return $"rename {source} to {destination}{what}";
    }

    private string Swap(string first, string second, int name, List<string> all)
    {
        if (
            first == second
            || first.StartsWith(second + "/", StringComparison.Ordinal)
            || second.StartsWith(first + "/", StringComparison.Ordinal)
        )
        {
            return $"swap {first} and {second}: one holds the other";
        }

        string aside = NewPath(Parent(first), name);
        if (
            Bytes(second) + Tail(all, first) > MaxPathBytes
            || Bytes(first) + Tail(all, second) > MaxPathBytes
            || Bytes(aside) + Tail(all, first) > MaxPathBytes
        )
        {
            return $"swap {first} and {second}: too deep";
        }

        Check(Syscall.rename(Full(first), Full(aside)), $"rename {first} to {aside}");
        Check(Syscall.rename(Full(second), Full(first)), $"rename {second} to {first}");
        Check(Syscall.rename(Full(aside), Full(second)), $"rename {aside} to {second}");
        return $"swap {first} and {second} through {aside}";
    }

    private string MakeDirectory(string path)
    {
        Directory.CreateDirectory(Full(path));
        return $"mkdir {path}";
    }

    /// <summary>rm -r. Directory.Delete unlinks a symlink it meets; it is counted from the walk, as a recursive
    /// enumeration would follow symlinks to directories, the history's links up the tree among them, without
    /// end.</summary>
    private string RemoveDirectory(string path, List<string> all)
    {
        int held = all.Count(p => p.StartsWith(path + "/", StringComparison.Ordinal));
        Directory.Delete(Full(path), recursive: true);
        return $"rm -r {path} ({held} entries in it)";
    }

    private string Link(string source, string path)
    {
        Check(Syscall.link(Full(source), Full(path)), $"link {path} to {source}");
        return $"link {path} to {source}";
    }

    private string Unlink(string path)
    {
        Check(Syscall.unlink(Full(path)), $"unlink {path}");
        return $"unlink {path}";
    }

    private static string SymlinkTarget(string directory, List<string> all, FileOperation op) =>
        op.Variant switch
        {
            0 when Bytes(Relative(directory, Pick(all, op.Target)!)) <= MaxSymlinkTarget => Relative(
                directory,
                Pick(all, op.Target)!
            ),
            1 => "/srv/" + Names[op.Name % Names.Length],
            2 => string.Concat(Enumerable.Repeat("segment/", MaxSymlinkTarget / 8))[
                ..(int)(1 + (op.Length % MaxSymlinkTarget))
            ],
            _ => Names[op.Target % Names.Length],
        };

    /// <summary>The path from <paramref name="directory"/> up to the root and down to <paramref name="entry"/>.</summary>
    private static string Relative(string directory, string entry) =>
        string.Concat(Enumerable.Repeat("../", directory.Length == 0 ? 0 : directory.Split('/').Length))
        + (entry.Length == 0 ? "." : entry);

    private string Symlink(string path, string target)
    {
        Check(Syscall.symlink(target, Full(path)), $"symlink {path}");
        return $"symlink {path} to {(target.Length > 60 ? $"{target[..60]}… ({target.Length} bytes)" : target)}";
    }

    private string MakeFifo(string path)
    {
        Check(Syscall.mkfifo(Full(path), (FilePermissions)0x1A4), $"mkfifo {path}");
        return $"mkfifo {path}";
    }

    private string MakeNode(string path, FileOperation op)
    {
        ulong major = 1 + (ulong)(op.Value % 250);
        ulong minor = (ulong)(op.Value / 250 % 256);
        (FilePermissions type, ulong device) = op.Variant switch
        {
            0 => (FilePermissions.S_IFCHR, (major << 8) | minor),
            1 => (FilePermissions.S_IFBLK, (major << 8) | minor),
            _ => (FilePermissions.S_IFSOCK, 0UL),
        };
        Check(Syscall.mknod(Full(path), type | (FilePermissions)0x1A0, device), $"mknod {path}");
        return $"mknod {path} {type} {major}:{minor}";
    }

    private string Chmod(string path, long mode)
    {
        Check(Syscall.chmod(Full(path), (FilePermissions)(mode & 0xFFF)), $"chmod {path}");
        return $"chmod {path} {Convert.ToString(mode & 0xFFF, 8)}";
    }

    private string Chown(string path, FileOperation op)
    {
        (uint uid, uint gid) =
            op.Variant < 2 ? ((uint)(op.Value % 70000), (uint)(op.Offset % 70000)) : ((uint)op.Value, (uint)op.Offset);
        Check(Syscall.lchown(Full(path), uid, gid), $"chown {path}");
        return $"chown {path} {uid}:{gid}";
    }

    private string SetXattr(string path, FileOperation op)
    {
        FilePermissions type = TypeOf(path);
        string space = type is FilePermissions.S_IFREG or FilePermissions.S_IFDIR ? "user." : "trusted.";
        string name = space + XattrNames[op.Name % XattrNames.Length];
        byte[] value = Content(op.Value, op.Length % (MaxXattrValue + 1));
        Check(Syscall.lsetxattr(Full(path), name, value), $"set xattr {name} of {path}");
        return $"setfattr {path} {name}, {value.Length} bytes";
    }

    private string RemoveXattr(string path, int name)
    {
        string[] names = Xattrs(path);
        string removed = names[name % names.Length];
        Check(Syscall.lremovexattr(Full(path), removed), $"remove xattr {removed} of {path}");
        return $"remove xattr {removed} of {path}";
    }

    private string SetTimes(string path, FileOperation op)
    {
        Timespec[] times =
        [
            new() { tv_sec = op.Offset, tv_nsec = op.Length * 7919 % Billion },
            new() { tv_sec = op.Value, tv_nsec = op.Length % Billion },
        ];
        Check(
            Syscall.utimensat(Syscall.AT_FDCWD, Full(path), times, AtFlags.AT_SYMLINK_NOFOLLOW),
            $"set the times of {path}"
        );
        return $"touch {path} mtime {op.Value}.{op.Length % Billion:D9}";
    }

    /// <summary>Every entry, the top directory (the empty path) first, in an order its names fix.</summary>
    private List<(string Path, FilePermissions Type)> Entries()
    {
        var found = new List<(string, FilePermissions)> { (string.Empty, FilePermissions.S_IFDIR) };
        var open = new Stack<string>([string.Empty]);
        while (open.TryPop(out string? directory))
        {
            foreach (
                string name in Directory
                    .EnumerateFileSystemEntries(Full(directory))
                    .Select(e => Path.GetFileName(e))
                    .Order(StringComparer.Ordinal)
            )
            {
                string path = Join(directory, name);
                FilePermissions type = TypeOf(path);
                found.Add((path, type));
                if (type == FilePermissions.S_IFDIR)
                {
                    open.Push(path);
                }
            }
        }

        return found;
    }

    /// <summary>The xattrs operations set (user.* and trusted.*), by name.</summary>
    private string[] Xattrs(string path)
    {
        Check(Syscall.llistxattr(Full(path), out string[] names) < 0 ? -1 : 0, $"list the xattrs of {path}");
        return
        [
            .. names
                .Where(n =>
                    n.StartsWith("user.", StringComparison.Ordinal)
                    || n.StartsWith("trusted.", StringComparison.Ordinal)
                )
                .Order(StringComparer.Ordinal),
        ];
    }

    /// <summary>A path in <paramref name="directory"/> that names nothing yet: the pool's names from
    /// <paramref name="name"/> on, then numbered ones.</summary>
    private string NewPath(string directory, int name)
    {
        for (int k = 0; ; k++)
        {
            string path = Join(directory, k < Names.Length ? Names[(name + k) % Names.Length] : $"n{k}");
            if (!Exists(path))
            {
                return path;
            }
        }
    }

    private string Full(string path) => path.Length == 0 ? root : Path.Combine(root, path);

    private bool Exists(string path) => Syscall.lstat(Full(path), out _) == 0;

    private FilePermissions TypeOf(string path) => Lstat(path).st_mode & FilePermissions.S_IFMT;

    private long Size(string path) => Lstat(path).st_size;

    private ulong Inode(string path) => Lstat(path).st_ino;

    private Stat Lstat(string path)
    {
        Check(Syscall.lstat(Full(path), out Stat stat), $"lstat {path}");
        return stat;
    }

    private static string? Pick(List<string> from, int index) => from.Count == 0 ? null : from[index % from.Count];

    private static string Join(string directory, string name) => directory.Length == 0 ? name : $"{directory}/{name}";

    private static string Parent(string path) =>
        path.Contains('/', StringComparison.Ordinal) ? path[..path.LastIndexOf('/')] : string.Empty;

    private static int Bytes(string path) => Encoding.UTF8.GetByteCount(path);

    /// <summary>How much longer than the entry's own path the longest path in it is (0 for all but
    /// directories).</summary>
    private static int Tail(List<string> all, string entry) =>
        all.Where(p => p.StartsWith(entry + "/", StringComparison.Ordinal))
            .Select(Bytes)
            .DefaultIfEmpty(Bytes(entry))
            .Max() - Bytes(entry);

    private static long AlignDown(long offset) => offset / Block * Block;

    private static long AlignUp(long offset) => (offset + Block - 1) / Block * Block;

    /// <summary>A failed call is a bug of the history (it broke a rule of the call), which the test must not
    /// hide.</summary>
    private static void Check(int result, string what)
    {
        if (result != 0)
        {
            Errno errno = result > 0 ? NativeConvert.ToErrno(result) : Stdlib.GetLastError();
            throw new InvalidOperationException($"{what}: {errno}");
        }
    }
}
