using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using BtrfsToS3.Shared.Catalog;
using Microsoft.Win32.SafeHandles;
using Mono.Unix.Native;
using ZstdSharp;

namespace BtrfsToS3.Tests.Shared.Catalog;

/// <summary>
/// Holds a snapshot's tree, as its chain's catalogs replayed make it, against the snapshot itself on btrfs: the same
/// paths, and for each its type, permissions, owner, size, mtime to the nanosecond, device number, symlink target,
/// xattrs and hard links; and every regular file's bytes rebuilt from its extent map out of the chain's stream files
/// (written bytes as they lie, encoded ones decompressed, holes as zeros). The first difference fails the test with
/// the seed, the snapshot, the path and the field, and what the history did to that name.
/// </summary>
/// <param name="seed">The history's seed, which reproduces it.</param>
/// <param name="streams">The chain's stream files so far, by stream index.</param>
/// <param name="journal">What the history did, one line per operation.</param>
/// <param name="received">Where <c>btrfs receive</c> made the snapshot of that index of the streams.</param>
internal sealed class SnapshotOracle(
    string seed,
    IReadOnlyList<string> streams,
    IReadOnlyList<string> journal,
    Func<int, string> received
) : IDisposable
{
    private const int ZlibCompression = 1;
    private const int ZstdCompression = 2;
    private const int JournalLines = 40;

    private readonly Dictionary<int, SafeFileHandle> open = [];
    private readonly Dictionary<(int Stream, long Data), byte[]> decoded = [];
    private readonly List<string> divergences = [];
    private readonly HashSet<long> diverged = [];
    private string at = string.Empty;
    private int index;

    /// <summary>Files whose bytes <c>btrfs receive</c> itself does not make as the snapshot holds them, where the
    /// catalogs give what receive makes: btrfs's own faults, which no catalog can mend. Each file once, at the first
    /// snapshot it shows in.</summary>
    public IReadOnlyList<string> Divergences => divergences;

    /// <summary>Fails unless <paramref name="tree"/> is the snapshot at <paramref name="directory"/>.</summary>
    /// <param name="snapshot">The snapshot's index in the chain, 0 for the full's.</param>
    public void AssertSame(int snapshot, string directory, SnapshotTree tree)
    {
        at = $"seed {seed}, snapshot {snapshot} ({tree.Snapshot})";
        index = snapshot;
        Dictionary<string, Stat> disk = Walk(directory);
        Dictionary<string, TreeInode> replayed = tree.Walk()
            .ToDictionary(e => e.Path, e => e.Inode, StringComparer.Ordinal);
        foreach (string path in disk.Keys.Order(StringComparer.Ordinal))
        {
            Same(path, "path", "present", replayed.ContainsKey(path) ? "present" : "missing");
        }

        foreach (string path in replayed.Keys.Where(p => !disk.ContainsKey(p)))
        {
            Same(path, "path", "missing", "present");
        }

        Dictionary<ulong, string[]> byInode = disk.GroupBy(e => e.Value.st_ino).ToDictionary(g => g.Key, Names);
        Dictionary<long, string[]> byId = replayed.GroupBy(e => e.Value.Id).ToDictionary(g => g.Key, Names);
        foreach ((string path, Stat stat) in disk.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            TreeInode inode = replayed[path];
            string full = Path.Combine(directory, path);
            InodeKind kind = Kind(stat.st_mode);
            Same(path, "type", kind, inode.Kind);
            Same(path, "mode", Octal((long)(stat.st_mode & ~FilePermissions.S_IFMT)), Octal(inode.Mode));
            Same(path, "uid", (long)stat.st_uid, inode.Uid);
            Same(path, "gid", (long)stat.st_gid, inode.Gid);
            Same(path, "mtime", new InodeTime(stat.st_mtime, (int)stat.st_mtime_nsec), inode.Mtime);
            Same(path, "xattrs", Xattrs(full), Xattrs(inode));
            Same(path, "hard links", string.Join(", ", byInode[stat.st_ino]), string.Join(", ", byId[inode.Id]));
            if (kind != InodeKind.Directory)
            {
                Same(path, "link count", (long)stat.st_nlink, (long)inode.Links.Length);
            }

            switch (kind)
            {
                case InodeKind.File:
                    Same(path, "size", stat.st_size, inode.Size);
                    SameBytes(path, full, inode);
                    break;
                case InodeKind.Symlink:
                    Same(path, "target", new FileInfo(full).LinkTarget, inode.SymlinkTarget);
                    Same(path, "size", stat.st_size, inode.Size);
                    break;
                case InodeKind.CharDevice or InodeKind.BlockDevice:
                    Same(path, "rdev", (long)stat.st_rdev, inode.Rdev);
                    break;
            }
        }
    }

    public void Dispose()
    {
        foreach (SafeFileHandle handle in open.Values)
        {
            handle.Dispose();
        }
    }

    /// <summary>The file's bytes from its extents: each read where its stream holds it, the rest zeros.</summary>
    private void SameBytes(string path, string full, TreeInode inode)
    {
        byte[] expected = File.ReadAllBytes(full);
        byte[] rebuilt = new byte[inode.Size];
        foreach (FileExtent extent in inode.Extents)
        {
            Same(
                path,
                "extent within the size",
                $"ends by {inode.Size}",
                $"{extent} ends at {extent.End}",
                extent.End <= inode.Size
            );
            switch (extent)
            {
                case DataExtent data:
                    foreach (StreamRun run in data.Runs())
                    {
                        Read(data.Stream, run.StreamOffset, rebuilt.AsSpan((int)run.FileOffset, (int)run.Length));
                    }

                    break;
                case EncodedExtent encoded:
                    byte[] plain = Decode(encoded);
                    Same(
                        path,
                        "encoded extent",
                        $"its file bytes within its {encoded.UnencodedLength} decoded ones",
                        encoded.ToString(),
                        encoded.UnencodedOffset + encoded.Length <= plain.Length
                    );
                    plain
                        .AsSpan((int)encoded.UnencodedOffset, (int)encoded.Length)
                        .CopyTo(rebuilt.AsSpan((int)encoded.Offset));
                    break;
            }
        }

        int differs = expected.AsSpan().CommonPrefixLength(rebuilt);
        if (differs == Math.Max(expected.Length, rebuilt.Length))
        {
            return;
        }

        // The catalogs promise what btrfs receive makes of the streams (docs/FORMAT.md, "Reading"); where receive
        // itself cannot make the snapshot, its own result is the oracle.
        FileExtent? covering = inode.Extents.FirstOrDefault(e => e.Offset <= differs && differs < e.End);
        string origin = covering?.ToString() ?? "a hole";
        if (File.ReadAllBytes(Path.Combine(received(index), path)).AsSpan().SequenceEqual(rebuilt))
        {
            if (diverged.Add(inode.Id))
            {
                divergences.Add(
                    $"{at}, path \"{path}\": from byte {differs} on, "
                        + $"btrfs receive makes what the catalogs give ({origin}), not the snapshot's bytes"
                );
            }

            return;
        }

        Same(
            path,
            "bytes",
            $"{expected.Length} bytes",
            $"byte {differs} differs, from {origin}, nor is it what btrfs receive makes",
            false
        );
    }

    /// <summary>An encoded extent's bytes decompressed, once per extent of a stream, as btrfs reads them: the
    /// stream holds the extent's sectors, one compressed frame (zlib's, or zstd's) and padding after it; the frame may
    /// hold fewer bytes than <see cref="EncodedExtent.UnencodedLength"/>, and the rest read as zeros.</summary>
    private byte[] Decode(EncodedExtent extent)
    {
        if (decoded.TryGetValue((extent.Stream, extent.Data), out byte[]? plain))
        {
            return plain;
        }

        byte[] encoded = new byte[extent.EncodedLength];
        Read(extent.Stream, extent.Data, encoded);
        plain = new byte[extent.UnencodedLength];
        if (extent.Compression == ZlibCompression)
        {
            using var zlib = new ZLibStream(new MemoryStream(encoded), CompressionMode.Decompress);
            zlib.ReadAtLeast(plain, plain.Length, throwOnEndOfStream: false);
        }
        else if (extent.Compression == ZstdCompression)
        {
            // A zstd stream would take the padding for a next frame: the frame's own size says where to stop.
            using var zstd = new DecompressionStream(new MemoryStream(encoded), checkEndOfStream: false);
            zstd.ReadExactly(plain, 0, (int)Math.Min(plain.Length, ZstdContentSize(encoded)));
        }
        else
        {
            throw new AssertFailedException(
                $"seed {seed}: {extent} is compressed with lzo, which no mount here writes"
            );
        }

        decoded[(extent.Stream, extent.Data)] = plain;
        return plain;
    }

    /// <summary>The content size a zstd frame's header gives (RFC 8878, 3.1.1.1); btrfs always writes it.</summary>
    private static long ZstdContentSize(byte[] frame)
    {
        int descriptor = frame[4];
        int sizeFlag = descriptor >> 6;
        bool singleSegment = (descriptor & 0x20) != 0;
        int at =
            5
            + (singleSegment ? 0 : 1)
            + (descriptor & 3) switch
            {
                0 => 0,
                1 => 1,
                2 => 2,
                _ => 4,
            };
        return sizeFlag switch
        {
            0 when singleSegment => frame[at],
            0 => throw new InvalidDataException("a zstd frame without its content size"),
            1 => BinaryPrimitives.ReadUInt16LittleEndian(frame.AsSpan(at)) + 256,
            2 => BinaryPrimitives.ReadUInt32LittleEndian(frame.AsSpan(at)),
            _ => (long)BinaryPrimitives.ReadUInt64LittleEndian(frame.AsSpan(at)),
        };
    }

    private void Read(int stream, long offset, Span<byte> into)
    {
        if (!open.TryGetValue(stream, out SafeFileHandle? handle))
        {
            handle = File.OpenHandle(streams[stream]);
            open[stream] = handle;
        }

        for (int done = 0; done < into.Length; )
        {
            int read = RandomAccess.Read(handle, into[done..], offset + done);
            if (read == 0)
            {
                throw new AssertFailedException(
                    $"seed {seed}: stream {stream} ends before byte {offset + into.Length}"
                );
            }

            done += read;
        }
    }

    private void Same<T>(string path, string field, T expected, T actual) =>
        Same(path, field, expected, actual, EqualityComparer<T>.Default.Equals(expected, actual));

    /// <summary>Fails, where not <paramref name="same"/>, naming the seed, the snapshot, the path and the field, with the
    /// lines of the journal that name the path's last name.</summary>
    private void Same<T>(string path, string field, T expected, T actual, bool same)
    {
        if (same)
        {
            return;
        }

        string name = path.Length == 0 ? "/" : path[(path.LastIndexOf('/') + 1)..];
        List<string> story = [.. journal.Where(l => l.Contains(name, StringComparison.Ordinal)).TakeLast(JournalLines)];
        throw new AssertFailedException(
            $"{at}, path \"{path}\", {field}: the snapshot has {expected}, the catalogs' replay {actual}\n"
                + $"what the history did to \"{name}\":\n"
                + string.Join('\n', story)
        );
    }

    /// <summary>Every entry under <paramref name="directory"/> by its path there (the top directory as the empty
    /// path), with its lstat.</summary>
    private static Dictionary<string, Stat> Walk(string directory)
    {
        var found = new Dictionary<string, Stat>(StringComparer.Ordinal);
        var open = new Stack<string>([string.Empty]);
        while (open.TryPop(out string? path))
        {
            string full = path.Length == 0 ? directory : Path.Combine(directory, path);
            if (Syscall.lstat(full, out Stat stat) != 0)
            {
                throw new InvalidOperationException($"lstat {full}: {Stdlib.GetLastError()}");
            }

            found[path] = stat;
            if ((stat.st_mode & FilePermissions.S_IFMT) == FilePermissions.S_IFDIR)
            {
                foreach (string entry in Directory.EnumerateFileSystemEntries(full))
                {
                    string name = Path.GetFileName(entry);
                    open.Push(path.Length == 0 ? name : $"{path}/{name}");
                }
            }
        }

        return found;
    }

    private static string[] Names<TKey, TValue>(IGrouping<TKey, KeyValuePair<string, TValue>> group) =>
        [.. group.Select(e => e.Key).Order(StringComparer.Ordinal)];

    /// <summary>The xattrs as text, security.* and system.* aside (btrfs may add those itself; the history sets
    /// none).</summary>
    private static string Xattrs(string path)
    {
        if (Syscall.llistxattr(path, out string[] names) < 0)
        {
            throw new InvalidOperationException($"llistxattr {path}: {Stdlib.GetLastError()}");
        }

        return string.Join(
            ", ",
            names
                .Where(Kept)
                .Order(StringComparer.Ordinal)
                .Select(n => Syscall.lgetxattr(path, n, out byte[] value) < 0 ? $"{n} unreadable" : Xattr(n, value))
        );
    }

    private static string Xattrs(TreeInode inode) =>
        string.Join(
            ", ",
            inode
                .Xattrs.Select(x => (Name: x.Name.ToString(), x.Value))
                .Where(x => Kept(x.Name))
                .OrderBy(x => x.Name, StringComparer.Ordinal)
                .Select(x => Xattr(x.Name, [.. x.Value]))
        );

    private static bool Kept(string name) =>
        !name.StartsWith("security.", StringComparison.Ordinal)
        && !name.StartsWith("system.", StringComparison.Ordinal);

    /// <summary>An xattr as text: a short value in hex, a long one by its length and SHA-256, so that a message stays
    /// readable.</summary>
    private static string Xattr(string name, byte[]? value)
    {
        byte[] bytes = value ?? [];
        return bytes.Length <= 32
            ? $"{name}={Convert.ToHexString(bytes)}"
            : $"{name}=({bytes.Length} bytes, SHA-256 {Convert.ToHexString(SHA256.HashData(bytes))[..16]}…)";
    }

    private static string Octal(long mode) => Convert.ToString(mode, 8);

    private static InodeKind Kind(FilePermissions mode) =>
        (mode & FilePermissions.S_IFMT) switch
        {
            FilePermissions.S_IFREG => InodeKind.File,
            FilePermissions.S_IFDIR => InodeKind.Directory,
            FilePermissions.S_IFLNK => InodeKind.Symlink,
            FilePermissions.S_IFIFO => InodeKind.Fifo,
            FilePermissions.S_IFSOCK => InodeKind.Socket,
            FilePermissions.S_IFCHR => InodeKind.CharDevice,
            FilePermissions.S_IFBLK => InodeKind.BlockDevice,
            FilePermissions other => throw new InvalidOperationException($"no such file type {other}"),
        };
}
