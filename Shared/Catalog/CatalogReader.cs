using System.Globalization;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.Format;
using BtrfsToS3.Shared.Spool;
using F = BtrfsToS3.Shared.Catalog.CatalogField;

namespace BtrfsToS3.Shared.Catalog;

/// <summary>
/// Reads a decoded catalog (docs/FORMAT.md, "Catalog") line by line from its stream, never holding more than a line:
/// the header first (<see cref="Open"/>), then each command (<see cref="Next"/>), each checked against the format's
/// table before it is handed out: a known op, its fields present with their JSON types, integers in range, paths
/// relative without empty, <c>.</c> or <c>..</c> parts. The stream's first command is its <c>subvol</c> (a full) or
/// <c>snapshot</c> (an incremental), and no other; the <c>end</c> line is last and nothing follows it; no write's data
/// lies past the stream's end. Anything else is bad data, in one line naming the catalog, the line, the field and its
/// value. The stream is the caller's, who checked the catalog's SHA-256 before (FORMAT.md, "Reading").
/// </summary>
internal sealed class CatalogReader
{
    /// <summary>The longest line read: an xattr's value of 64 KiB in base64 is 88 KiB.</summary>
    public const int MaxLineBytes = 1024 * 1024;

    /// <summary>What the header's <c>catalog</c> field says.</summary>
    public const string Signature = "btrfs_to_s3 catalog";

    private const int MaxMode = 0xFFFF;
    private const int PermissionBits = 0xFFF;
    private const int TypeBits = 0xF000;

    private readonly Stream stream;
    private readonly CatalogLine line;
    private byte[] buffer = new byte[64 * 1024];
    private int start;
    private int end;
    private bool drained;
    private int lineNumber;
    private bool begun;
    private long dataEnd;

    private CatalogReader(Stream stream, string name)
    {
        this.stream = stream;
        line = new CatalogLine(name);
        Header = null!;
    }

    /// <summary>The name messages give the catalog: its s3:// address or its path.</summary>
    public string Name => line.Catalog;

    public CatalogHeader Header { get; private set; }

    /// <summary>The end line, once <see cref="Next"/> has returned null.</summary>
    public CatalogEnd? End { get; private set; }

    /// <summary>Reads and checks the header line of the catalog <paramref name="stream"/> holds.</summary>
    public static CatalogReader Open(Stream stream, string name)
    {
        var reader = new CatalogReader(stream, name);
        if (!reader.ReadLine(out ReadOnlySpan<byte> first))
        {
            throw new BackupFailure(
                FailureKind.BadData,
                $"{name}: empty, without the catalog's header line; it is not trusted"
            );
        }

        reader.line.Parse(first, reader.lineNumber);
        reader.Header = reader.ReadHeader();
        return reader;
    }

    /// <summary>The next command, or null after the end line (which is then <see cref="End"/>).</summary>
    public CatalogCommand? Next()
    {
        if (End is not null)
        {
            return null;
        }

        if (!ReadLine(out ReadOnlySpan<byte> text))
        {
            throw new BackupFailure(
                FailureKind.BadData,
                $"{Name}: ends after line {lineNumber} without its end line; it is not trusted"
            );
        }

        line.Parse(text, lineNumber);
        if (line.Op == CatalogOp.End)
        {
            End = ReadEnd();
            if (ReadLine(out _))
            {
                throw line.Failure("a line follows the end line");
            }

            return null;
        }

        CatalogCommand command = Command();
        line.CheckAllTaken();
        begun = true;
        return command;
    }

    private CatalogHeader ReadHeader()
    {
        if (line.Op != CatalogOp.Header)
        {
            throw line.Violation(F.Op, line.OpName, "must be header, the catalog's first line");
        }

        long version = line.Integer(F.FormatVersion);
        if (version != FormatJson.Version)
        {
            throw line.Violation(F.FormatVersion, version, $"is not {FormatJson.Version}, the format this build reads");
        }

        string signature = line.Text(F.Catalog);
        if (signature != Signature)
        {
            throw line.Violation(F.Catalog, signature, $"is not \"{Signature}\"");
        }

        string subvolume = line.Text(F.Subvolume);
        if (!FormatGrammar.SubvolumeName(subvolume))
        {
            throw line.Violation(F.Subvolume, subvolume, "is not a subvolume name");
        }

        string streamName = line.Text(F.Stream);
        if (!SnapshotName.TryParse(streamName, out string of, out _) || of != subvolume)
        {
            throw line.Violation(F.Stream, streamName, $"is not a snapshot name of subvolume {subvolume}");
        }

        string kind = line.Text(F.Kind);
        StreamKind streamKind = kind switch
        {
            "full" => StreamKind.Full,
            "incremental" => StreamKind.Incremental,
            _ => throw line.Violation(F.Kind, kind, "is neither full nor incremental"),
        };
        long protocol = line.Integer(F.SendProtocol);
        if (protocol is not (1 or 2))
        {
            throw line.Violation(F.SendProtocol, protocol, "is not 1 or 2");
        }

        line.CheckAllTaken();
        return new CatalogHeader(subvolume, streamName, streamKind, (int)protocol);
    }

    private CatalogEnd ReadEnd()
    {
        if (!begun)
        {
            throw line.Violation(F.Op, line.OpName, $"comes before the stream's {FirstOp()}");
        }

        var last = new CatalogEnd(line.Integer(F.Commands), line.Integer(F.StreamBytes));
        line.CheckAllTaken();
        if (dataEnd > last.StreamBytes)
        {
            throw line.Violation(
                F.StreamBytes,
                last.StreamBytes,
                $"is less than the end of a write's data, stream byte {dataEnd.ToString(CultureInfo.InvariantCulture)}"
            );
        }

        return last;
    }

    private string FirstOp() => Header.Kind == StreamKind.Full ? "subvol" : "snapshot";

    private CatalogCommand Command()
    {
        CatalogOp op = line.Op;
        bool first = op is CatalogOp.Subvol or CatalogOp.Snapshot;
        if (begun ? first || op == CatalogOp.Header : line.OpName != FirstOp())
        {
            throw line.Violation(
                F.Op,
                line.OpName,
                begun
                    ? "may only be the catalog's first line or the stream's first command"
                    : $"must be {FirstOp()}, the first command of {(Header.Kind == StreamKind.Full ? "a full" : "an incremental")} stream"
            );
        }

        int n = lineNumber;
        string name = line.OpName;
        return op switch
        {
            CatalogOp.Subvol => new SubvolumeCommand(n, name, Path(), Uuid(F.Uuid), line.Integer(F.Ctransid), null, 0),
            CatalogOp.Snapshot => new SubvolumeCommand(
                n,
                name,
                Path(),
                Uuid(F.Uuid),
                line.Integer(F.Ctransid),
                Uuid(F.CloneUuid),
                line.Integer(F.CloneCtransid)
            ),
            CatalogOp.Mkfile => new CreateCommand(n, name, Path(), InodeKind.File, 0, null),
            CatalogOp.Mkdir => new CreateCommand(n, name, Path(), InodeKind.Directory, 0, null),
            CatalogOp.Mkfifo => new CreateCommand(n, name, Path(), InodeKind.Fifo, 0, null),
            CatalogOp.Mksock => new CreateCommand(n, name, Path(), InodeKind.Socket, 0, null),
            CatalogOp.Mknod => new CreateCommand(n, name, Path(), NodeKind(), line.Integer(F.Rdev), null),
            CatalogOp.Symlink => new CreateCommand(
                n,
                name,
                Path(),
                InodeKind.Symlink,
                0,
                line.SymlinkTarget(F.Target, F.TargetB64)
            ),
            CatalogOp.Rename => new RenameCommand(n, name, Path(), line.Path(F.To, F.ToB64)),
            CatalogOp.Link => new LinkCommand(n, name, Path(), line.Path(F.Target, F.TargetB64)),
            CatalogOp.Unlink => new RemoveCommand(n, name, Path(), Directory: false),
            CatalogOp.Rmdir => new RemoveCommand(n, name, Path(), Directory: true),
            CatalogOp.SetXattr => new SetXattrCommand(
                n,
                name,
                TopOrPath(),
                line.XattrName(F.Name, F.NameB64),
                line.Base64Bytes(F.Value)
            ),
            CatalogOp.RemoveXattr => new RemoveXattrCommand(n, name, TopOrPath(), line.XattrName(F.Name, F.NameB64)),
            CatalogOp.Write => Write(n, name),
            CatalogOp.EncodedWrite => EncodedWrite(n, name),
            CatalogOp.Clone => Clone(n, name),
            CatalogOp.Truncate => new TruncateCommand(n, name, Path(), line.Integer(F.Size)),
            CatalogOp.Chmod => new ChmodCommand(n, name, TopOrPath(), (int)line.Integer(F.Mode, PermissionBits)),
            CatalogOp.Chown => new ChownCommand(
                n,
                name,
                TopOrPath(),
                line.Integer(F.Uid, uint.MaxValue),
                line.Integer(F.Gid, uint.MaxValue)
            ),
            CatalogOp.Utimes => new UtimesCommand(
                n,
                name,
                TopOrPath(),
                line.Time(F.Atime),
                line.Time(F.Mtime),
                line.Time(F.Ctime)
            ),
            CatalogOp.Fallocate => Fallocate(n, name),
            CatalogOp.Fileattr => new FileattrCommand(n, name, TopOrPath(), line.Integer(F.Attributes)),
            CatalogOp.EnableVerity => new EnableVerityCommand(
                n,
                name,
                Path(),
                new VeritySettings(
                    (int)line.Integer(F.Algorithm, byte.MaxValue),
                    Positive(F.BlockSize, uint.MaxValue),
                    line.Base64Bytes(F.Salt),
                    line.Base64Bytes(F.Signature)
                )
            ),
            _ => throw new InvalidOperationException($"op {name} has no command"),
        };
    }

    private CatalogPath Path() => line.Path(F.Path, F.PathB64);

    /// <summary>A path that may be the top directory: btrfs send names it so where it sets the top directory's
    /// attributes.</summary>
    private CatalogPath TopOrPath() => line.Path(F.Path, F.PathB64, topAllowed: true);

    private string Uuid(F field)
    {
        string uuid = line.Text(field);
        if (!FormatGrammar.Uuid(uuid))
        {
            throw line.Violation(field, uuid, "is not a UUID");
        }

        return uuid;
    }

    private long Positive(F field, long max)
    {
        long value = line.Integer(field, max);
        if (value == 0)
        {
            throw line.Violation(field, value, "must be 1 or more");
        }

        return value;
    }

    /// <summary>mknod's inode type, from its mode's type bits (receive keeps only those; a chmod follows).</summary>
    private InodeKind NodeKind()
    {
        long mode = line.Integer(F.Mode, MaxMode);
        return (mode & TypeBits) switch
        {
            0x2000 => InodeKind.CharDevice,
            0x6000 => InodeKind.BlockDevice,
            0x1000 => InodeKind.Fifo,
            0xC000 => InodeKind.Socket,
            _ => throw line.Violation(F.Mode, mode, "has no device, fifo or socket type bits"),
        };
    }

    private WriteCommand Write(int n, string name)
    {
        CatalogPath path = Path();
        (long offset, long length) = Range(F.Offset, F.Length);
        long data = line.Integer(F.Data);
        long? piece = line.OptionalInteger(F.Piece);
        long? stride = line.OptionalInteger(F.Stride);
        if (piece is null != stride is null)
        {
            throw line.Violation(
                piece is null ? F.Piece : F.Stride,
                null,
                $"must be present where {(piece is null ? "stride" : "piece")} is"
            );
        }

        if (piece is not null)
        {
            if (piece == 0 || piece >= length)
            {
                throw line.Violation(F.Piece, piece, "is not from 1 to length - 1");
            }

            if (stride < piece)
            {
                throw line.Violation(F.Stride, stride, "is less than piece");
            }
        }

        long pieces = piece is null ? 1 : ((length - 1) / piece.Value) + 1;
        long last = piece is null ? length : length - ((pieces - 1) * piece.Value);
        Reaches(F.Data, data, ((pieces - 1) * (decimal)(stride ?? 0)) + last);
        return new WriteCommand(n, name, path, offset, length, data, piece ?? 0, stride ?? 0);
    }

    private EncodedWriteCommand EncodedWrite(int n, string name)
    {
        CatalogPath path = Path();
        (long offset, long fileLength) = Range(F.Offset, F.UnencodedFileLength);
        long unencoded = line.Integer(F.UnencodedLength);
        long unencodedOffset = line.Integer(F.UnencodedOffset);
        if ((decimal)unencodedOffset + fileLength > unencoded)
        {
            throw line.Violation(
                F.UnencodedOffset,
                unencodedOffset,
                "and unencoded_file_length reach past unencoded_length"
            );
        }

        int compression = (int)Positive(F.Compression, 7);
        long encryption = line.Integer(F.Encryption);
        if (encryption != 0)
        {
            throw line.Violation(F.Encryption, encryption, "is not 0 (btrfs encrypts nothing)");
        }

        long data = line.Integer(F.Data);
        long length = line.Integer(F.Length);
        Reaches(F.Data, data, length);
        return new EncodedWriteCommand(
            n,
            name,
            path,
            offset,
            fileLength,
            unencoded,
            unencodedOffset,
            compression,
            data,
            length
        );
    }

    private CloneCommand Clone(int n, string name)
    {
        CatalogPath path = Path();
        (long offset, long length) = Range(F.Offset, F.Length);
        string source = Uuid(F.SourceUuid);
        long sourceCtransid = line.Integer(F.SourceCtransid);
        CatalogPath sourcePath = line.Path(F.SourcePath, F.SourcePathB64);
        (long sourceOffset, _) = Range(F.SourceOffset, F.Length);
        return new CloneCommand(n, name, path, offset, length, source, sourceCtransid, sourcePath, sourceOffset);
    }

    private FallocateCommand Fallocate(int n, string name)
    {
        CatalogPath path = Path();
        long mode = line.Integer(F.Mode);
        if (mode is not (0 or FallocateCommand.KeepSize or (FallocateCommand.KeepSize | FallocateCommand.PunchHole)))
        {
            throw line.Violation(F.Mode, mode, "is not 0, 1 (keep size) or 3 (punch a hole, keep size)");
        }

        (long offset, long length) = Range(F.Offset, F.Length);
        if (length == 0)
        {
            throw line.Violation(F.Length, length, "must be 1 or more, as fallocate(2) takes it");
        }

        return new FallocateCommand(n, name, path, (int)mode, offset, length);
    }

    /// <summary>An offset and a length whose end is still a file offset (below 2^63).</summary>
    private (long Offset, long Length) Range(F offsetField, F lengthField)
    {
        long offset = line.Integer(offsetField);
        long length = line.Integer(lengthField);
        if (length > long.MaxValue - offset)
        {
            throw line.Violation(
                lengthField,
                length,
                $"reaches past byte 2^63 from {CatalogNames<F>.Name(offsetField)}"
            );
        }

        return (offset, length);
    }

    /// <summary>Notes that stream bytes from <paramref name="data"/> on, <paramref name="span"/> of them, are a
    /// write's: the end line must say the stream is that long.</summary>
    private void Reaches(F field, long data, decimal span)
    {
        decimal reached = data + span;
        if (reached > long.MaxValue)
        {
            throw line.Violation(field, data, "and its length reach past stream byte 2^63");
        }

        dataEnd = Math.Max(dataEnd, (long)reached);
    }

    /// <summary>The next line, without its newline; false at the end of the stream.</summary>
    private bool ReadLine(out ReadOnlySpan<byte> text)
    {
        int searched = 0;
        while (true)
        {
            int newline = buffer.AsSpan(start + searched, end - start - searched).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                lineNumber++;
                text = buffer.AsSpan(start, searched + newline);
                start += searched + newline + 1;
                return true;
            }

            searched = end - start;
            if (searched > MaxLineBytes)
            {
                throw new BackupFailure(
                    FailureKind.BadData,
                    $"{Name} line {lineNumber + 1}: longer than {MaxLineBytes} bytes; it is not trusted"
                );
            }

            if (drained)
            {
                if (searched > 0)
                {
                    throw new BackupFailure(
                        FailureKind.BadData,
                        $"{Name} line {lineNumber + 1}: the catalog ends within it, without a newline; it is not trusted"
                    );
                }

                text = default;
                return false;
            }

            Fill();
        }
    }

    /// <summary>Reads more of the stream after the unread bytes, moving them to the buffer's start or growing it
    /// (up to a line's limit) to make room.</summary>
    private void Fill()
    {
        if (start > 0)
        {
            buffer.AsSpan(start, end - start).CopyTo(buffer);
            end -= start;
            start = 0;
        }

        if (end == buffer.Length)
        {
            Array.Resize(ref buffer, Math.Min(buffer.Length * 2, MaxLineBytes + 2));
        }

        int read = stream.Read(buffer, end, buffer.Length - end);
        drained = read == 0;
        end += read;
    }
}
