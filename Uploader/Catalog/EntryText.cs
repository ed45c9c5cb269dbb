using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using BtrfsToS3.Shared.Catalog;

namespace BtrfsToS3.Uploader.Catalog;

/// <summary>
/// How <c>ls</c>, <c>find</c> and <c>diff</c> print a tree's entries: a name or path per line; with <c>-l</c> as
/// <c>ls -l</c> does (type and permissions, owner, size, modification time in UTC, name, a symbolic link's target);
/// with <c>--json</c> one object per line with every field, times to the nanosecond.
/// </summary>
internal static class EntryText
{
    private static readonly JsonWriterOptions JsonOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Long(TreeInode inode, string name) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{ModeText(inode)} {inode.Uid, 6} {inode.Gid, 6} {inode.Size, 14} {Time(inode.Mtime)} {name}{(inode.SymlinkTarget is { } target ? " -> " + target : string.Empty)}"
        );

    /// <summary>The entry as one JSON line; <paramref name="extra"/> adds fields first (the snapshot, what
    /// changed).</summary>
    public static string Json(TreeInode? inode, string path, params (string Name, string Value)[] extra)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, JsonOptions))
        {
            json.WriteStartObject();
            foreach ((string name, string value) in extra)
            {
                json.WriteString(name, value);
            }

            Name(json, "path", path);
            if (inode is not null)
            {
                json.WriteString("type", TypeName(inode.Kind));
                json.WriteNumber("mode", inode.Mode & 0xfff);
                json.WriteNumber("uid", inode.Uid);
                json.WriteNumber("gid", inode.Gid);
                json.WriteNumber("size", inode.Size);
                json.WriteString("mtime", IsoTime(inode.Mtime));
                json.WriteNumber("links", inode.Links.Length);
                if (inode.SymlinkTarget is { } target)
                {
                    Name(json, "target", target);
                }
            }

            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static string Time(InodeTime time) =>
        DateTimeOffset
            .FromUnixTimeSeconds(time.Seconds)
            .UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    public static string IsoTime(InodeTime time) =>
        DateTimeOffset
            .FromUnixTimeSeconds(time.Seconds)
            .UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture)
        + "."
        + time.Nanoseconds.ToString("D9", CultureInfo.InvariantCulture)
        + "Z";

    public static string TypeName(InodeKind kind) =>
        kind switch
        {
            InodeKind.File => "file",
            InodeKind.Directory => "dir",
            InodeKind.Symlink => "symlink",
            InodeKind.Fifo => "fifo",
            InodeKind.Socket => "socket",
            InodeKind.CharDevice => "char",
            _ => "block",
        };

    /// <summary><c>drwxr-xr-x</c>: the type, then read, write and execute for owner, group and others, with the
    /// set-user-ID, set-group-ID and sticky bits as <c>ls</c> shows them.</summary>
    public static string ModeText(TreeInode inode)
    {
        int mode = inode.Mode;
        char type = inode.Kind switch
        {
            InodeKind.Directory => 'd',
            InodeKind.Symlink => 'l',
            InodeKind.Fifo => 'p',
            InodeKind.Socket => 's',
            InodeKind.CharDevice => 'c',
            InodeKind.BlockDevice => 'b',
            _ => '-',
        };
        return string.Concat(
            type.ToString(),
            Triplet(mode >> 6, (mode & 0x800) != 0, 's'),
            Triplet(mode >> 3, (mode & 0x400) != 0, 's'),
            Triplet(mode, (mode & 0x200) != 0, 't')
        );
    }

    private static string Triplet(int bits, bool special, char letter) =>
        string.Concat(
            (bits & 4) != 0 ? "r" : "-",
            (bits & 2) != 0 ? "w" : "-",
            ((bits & 1) != 0, special) switch
            {
                (true, true) => letter.ToString(),
                (false, true) => char.ToUpperInvariant(letter).ToString(),
                (true, false) => "x",
                _ => "-",
            }
        );

    /// <summary>A name as JSON text, or as <c>FIELD_b64</c> where its bytes are not UTF-8 (as the catalog writes
    /// it).</summary>
    private static void Name(Utf8JsonWriter json, string field, string name)
    {
        if (Shared.SendStream.LosslessUtf8.IsUtf8(name))
        {
            json.WriteString(field, name);
        }
        else
        {
            json.WriteBase64String(field + "_b64", Shared.SendStream.LosslessUtf8.Encode(name));
        }
    }
}
