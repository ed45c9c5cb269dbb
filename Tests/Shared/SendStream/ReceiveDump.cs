using System.Globalization;
using System.Text;
using BtrfsToS3.Shared.SendStream;
using BtrfsToS3.Tests.Infrastructure;

namespace BtrfsToS3.Tests.Shared.SendStream;

/// <summary>
/// The oracle: <c>btrfs receive --dump</c> of a stream, and our commands written the way it writes them
/// (btrfs-progs cmds/receive-dump.c: the command padded to 16 columns, the path prefixed with the subvolume and
/// escaped, padded to 32, then the command's fields), so the two compare line by line. It prints times to the second,
/// in the local zone (run in UTC here), and no otime, inode numbers or data.
/// </summary>
internal static class ReceiveDump
{
    public static string[] Of(string streamFile)
    {
        string output = Shell.Run("env", "TZ=UTC", "LC_ALL=C", "btrfs", "receive", "--dump", "-f", streamFile);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public static string[] Render(IEnumerable<SendCommand> commands)
    {
        var lines = new List<string>();
        string subvolume = string.Empty;
        foreach (SendCommand c in commands)
        {
            if (c.Kind is SendCommandKind.Subvol or SendCommandKind.Snapshot)
            {
                subvolume = "./" + c.Path;
            }

            string Full(string? path) => subvolume + "/" + path;
            string? line = c.Kind switch
            {
                SendCommandKind.Subvol => Line("subvol", subvolume, $"uuid={c.Uuid} transid={c.Ctransid}"),
                SendCommandKind.Snapshot => Line(
                    "snapshot",
                    subvolume,
                    $"uuid={c.Uuid} transid={c.Ctransid} parent_uuid={c.CloneUuid} parent_transid={c.CloneCtransid}"
                ),
                SendCommandKind.Mkfile => Line("mkfile", Full(c.Path), null),
                SendCommandKind.Mkdir => Line("mkdir", Full(c.Path), null),
                SendCommandKind.Mkfifo => Line("mkfifo", Full(c.Path), null),
                SendCommandKind.Mksock => Line("mksock", Full(c.Path), null),
                SendCommandKind.Unlink => Line("unlink", Full(c.Path), null),
                SendCommandKind.Rmdir => Line("rmdir", Full(c.Path), null),
                SendCommandKind.Mknod => Line(
                    "mknod",
                    Full(c.Path),
                    $"mode={Convert.ToString((long)c.Mode, 8)} dev=0x{c.Rdev:x}"
                ),
                SendCommandKind.Symlink => Line("symlink", Full(c.Path), $"dest={Escape(c.PathLink!)}"),
                SendCommandKind.Rename => Line("rename", Full(c.Path), $"dest={Escape(Full(c.PathTo))}"),
                SendCommandKind.Link => Line("link", Full(c.Path), $"dest={Escape(c.PathLink!)}"),
                SendCommandKind.SetXattr => Line(
                    "set_xattr",
                    Full(c.Path),
                    $"name={c.XattrName} data={XattrText(c.XattrData.Span)} len={c.XattrData.Length}"
                ),
                SendCommandKind.RemoveXattr => Line("remove_xattr", Full(c.Path), $"name={c.XattrName}"),
                SendCommandKind.Write => Line("write", Full(c.Path), $"offset={c.FileOffset} len={c.Data.Length}"),
                SendCommandKind.Clone => Line(
                    "clone",
                    Full(c.Path),
                    $"offset={c.FileOffset} len={c.CloneLength} from={Escape(Full(c.ClonePath))} clone_offset={c.CloneOffset}"
                ),
                SendCommandKind.Truncate => Line("truncate", Full(c.Path), $"size={c.Size}"),
                SendCommandKind.Chmod => Line("chmod", Full(c.Path), $"mode={Convert.ToString((long)c.Mode, 8)}"),
                SendCommandKind.Chown => Line("chown", Full(c.Path), $"gid={c.Gid} uid={c.Uid}"),
                SendCommandKind.Utimes => Line(
                    "utimes",
                    Full(c.Path),
                    $"atime={Time(c.Atime)} mtime={Time(c.Mtime)} ctime={Time(c.Ctime)}"
                ),
                SendCommandKind.UpdateExtent => Line(
                    "update_extent",
                    Full(c.Path),
                    $"offset={c.FileOffset} len={c.Size}"
                ),
                SendCommandKind.EncodedWrite => Line(
                    "encoded_write",
                    Full(c.Path),
                    $"offset={c.FileOffset} len={c.Data.Length}, unencoded_file_len={c.UnencodedFileLength}, unencoded_len={c.UnencodedLength}, unencoded_offset={c.UnencodedOffset}, compression={c.Compression}, encryption={c.Encryption}"
                ),
                SendCommandKind.Fallocate => Line(
                    "fallocate",
                    Full(c.Path),
                    $"mode={c.FallocateMode} offset={c.FileOffset} len={c.Size}"
                ),
                SendCommandKind.End => null,
                _ => throw new AssertFailedException($"no dump format for {c.Kind} here"),
            };
            if (line is not null)
            {
                lines.Add(line);
            }
        }

        return [.. lines];
    }

    private static string Line(string title, string path, string? fields)
    {
        string escaped = Escape(path);
        var line = new StringBuilder(title.PadRight(16)).Append(escaped);
        if (fields is null)
        {
            return line.ToString();
        }

        // One space at least, then up to the 32nd column of the path.
        _ = line.Append(' ', Math.Max(1, 32 - escaped.Length)).Append(fields);
        return line.ToString();
    }

    /// <summary>receive-dump.c's print_path_escaped: C escapes, a backslash before spaces and backslashes, octal for
    /// every other byte isprint() refuses in the C locale.</summary>
    private static string Escape(string path)
    {
        var escaped = new StringBuilder();
        foreach (byte b in LosslessUtf8.Encode(path))
        {
            _ = b switch
            {
                (byte)'\a' => escaped.Append("\\a"),
                (byte)'\b' => escaped.Append("\\b"),
                0x1b => escaped.Append("\\e"),
                (byte)'\f' => escaped.Append("\\f"),
                (byte)'\n' => escaped.Append("\\n"),
                (byte)'\r' => escaped.Append("\\r"),
                (byte)'\t' => escaped.Append("\\t"),
                (byte)'\v' => escaped.Append("\\v"),
                (byte)' ' => escaped.Append("\\ "),
                (byte)'\\' => escaped.Append("\\\\"),
                < 0x20 or > 0x7e => escaped.Append('\\').Append(Convert.ToString(b, 8).PadLeft(3, '0')),
                _ => escaped.Append((char)b),
            };
        }

        return escaped.ToString();
    }

    /// <summary>"%.*s": the value's bytes up to its first NUL.</summary>
    private static string XattrText(ReadOnlySpan<byte> data)
    {
        int nul = data.IndexOf((byte)0);
        return Encoding.UTF8.GetString(nul < 0 ? data : data[..nul]);
    }

    private static string Time(SendTimestamp time) =>
        DateTimeOffset.FromUnixTimeSeconds(time.Seconds).ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture)
        + "+0000";

    /// <summary>Every field of a command, for comparing two parses of one stream exactly (unlike the dump, with
    /// nanoseconds, inode numbers, otime and where the data lies).</summary>
    public static string Describe(SendCommand c) =>
        string.Join(
            ' ',
            $"{c.Kind}@{c.StreamOffset}+{c.PayloadLength}",
            $"mask={c.AttributeMask:x}",
            $"path={c.Path} to={c.PathTo} link={c.PathLink} clone={c.ClonePath} xattr={c.XattrName}",
            $"xdata={Convert.ToHexString(c.XattrData.Span)} data={c.Data}",
            $"uuid={c.Uuid} ct={c.Ctransid} cuuid={c.CloneUuid} cct={c.CloneCtransid} coff={c.CloneOffset}",
            $"clen={c.CloneLength} ino={c.Ino} off={c.FileOffset} size={c.Size} mode={c.Mode} uid={c.Uid}",
            $"gid={c.Gid} rdev={c.Rdev} a={c.Atime} m={c.Mtime} c={c.Ctime} o={c.Otime}",
            $"ufl={c.UnencodedFileLength} ul={c.UnencodedLength} uo={c.UnencodedOffset} comp={c.Compression}",
            $"enc={c.Encryption} fm={c.FallocateMode} fa={c.Fileattr} va={c.VerityAlgorithm}",
            $"vb={c.VerityBlockSize} vs={Convert.ToHexString(c.VeritySalt.Span)}",
            $"vsig={Convert.ToHexString(c.VeritySignature.Span)}"
        );
}
