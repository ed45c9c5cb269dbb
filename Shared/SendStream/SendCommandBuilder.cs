using System.Buffers.Binary;

namespace BtrfsToS3.Shared.SendStream;

/// <summary>
/// The command being parsed: the parser sets its header, then each attribute as it arrives (whole and of the right
/// length, which the parser checks), and builds the immutable <see cref="SendCommand"/> once the CRC-32C holds.
/// </summary>
internal sealed class SendCommandBuilder
{
    private readonly SendStringCache _strings = new();

    private SendCommandKind _kind;
    private long _streamOffset;
    private int _payloadLength;
    private ulong _mask;
    private string? _path;
    private string? _pathTo;
    private string? _pathLink;
    private string? _clonePath;
    private string? _xattrName;
    private ReadOnlyMemory<byte> _xattrData;
    private SendDataRange _data;
    private Guid _uuid;
    private ulong _ctransid;
    private Guid _cloneUuid;
    private ulong _cloneCtransid;
    private ulong _cloneOffset;
    private ulong _cloneLength;
    private ulong _ino;
    private ulong _fileOffset;
    private ulong _size;
    private ulong _mode;
    private ulong _uid;
    private ulong _gid;
    private ulong _rdev;
    private SendTimestamp _atime;
    private SendTimestamp _mtime;
    private SendTimestamp _ctime;
    private SendTimestamp _otime;
    private ulong _unencodedFileLength;
    private ulong _unencodedLength;
    private ulong _unencodedOffset;
    private uint _compression;
    private uint _encryption;
    private uint _fallocateMode;
    private ulong _fileattr;
    private byte _verityAlgorithm;
    private uint _verityBlockSize;
    private ReadOnlyMemory<byte> _veritySalt;
    private ReadOnlyMemory<byte> _veritySignature;

    public SendCommandKind Kind => _kind;

    public long StreamOffset => _streamOffset;

    /// <summary>The attributes set so far, as a mask of 1 &lt;&lt; attribute.</summary>
    public ulong Mask => _mask;

    /// <summary>Starts a command: every attribute of the last one is forgotten.</summary>
    public void Start(SendCommandKind kind, long streamOffset, int payloadLength)
    {
        _kind = kind;
        _streamOffset = streamOffset;
        _payloadLength = payloadLength;
        _mask = 0;
        _path = _pathTo = _pathLink = _clonePath = _xattrName = null;
        _xattrData = _veritySalt = _veritySignature = default;
        _data = default;
        _uuid = _cloneUuid = default;
        _ctransid = _cloneCtransid = _cloneOffset = _cloneLength = _ino = _fileOffset = _size = 0;
        _mode = _uid = _gid = _rdev = _unencodedFileLength = _unencodedLength = _unencodedOffset = _fileattr = 0;
        _atime = _mtime = _ctime = _otime = default;
        _compression = _encryption = _fallocateMode = _verityBlockSize = 0;
        _verityAlgorithm = 0;
    }

    /// <summary>Sets an attribute other than data from its whole value, of the length its type has.</summary>
    public void Set(SendAttributeKind attribute, ReadOnlySpan<byte> value)
    {
        _mask |= SendProtocol.Bit(attribute);
        switch (attribute)
        {
            case SendAttributeKind.Uuid:
                _uuid = new Guid(value, bigEndian: true);
                break;
            case SendAttributeKind.Ctransid:
                _ctransid = U64(value);
                break;
            case SendAttributeKind.Ino:
                _ino = U64(value);
                break;
            case SendAttributeKind.Size:
                _size = U64(value);
                break;
            case SendAttributeKind.Mode:
                _mode = U64(value);
                break;
            case SendAttributeKind.Uid:
                _uid = U64(value);
                break;
            case SendAttributeKind.Gid:
                _gid = U64(value);
                break;
            case SendAttributeKind.Rdev:
                _rdev = U64(value);
                break;
            case SendAttributeKind.Ctime:
                _ctime = Timestamp(value);
                break;
            case SendAttributeKind.Mtime:
                _mtime = Timestamp(value);
                break;
            case SendAttributeKind.Atime:
                _atime = Timestamp(value);
                break;
            case SendAttributeKind.Otime:
                _otime = Timestamp(value);
                break;
            case SendAttributeKind.XattrName:
                _xattrName = _strings.Get(value);
                break;
            case SendAttributeKind.XattrData:
                _xattrData = value.ToArray();
                break;
            case SendAttributeKind.Path:
                _path = _strings.Get(value);
                break;
            case SendAttributeKind.PathTo:
                _pathTo = _strings.Get(value);
                break;
            case SendAttributeKind.PathLink:
                _pathLink = _strings.Get(value);
                break;
            case SendAttributeKind.FileOffset:
                _fileOffset = U64(value);
                break;
            case SendAttributeKind.CloneUuid:
                _cloneUuid = new Guid(value, bigEndian: true);
                break;
            case SendAttributeKind.CloneCtransid:
                _cloneCtransid = U64(value);
                break;
            case SendAttributeKind.ClonePath:
                _clonePath = _strings.Get(value);
                break;
            case SendAttributeKind.CloneOffset:
                _cloneOffset = U64(value);
                break;
            case SendAttributeKind.CloneLength:
                _cloneLength = U64(value);
                break;
            case SendAttributeKind.FallocateMode:
                _fallocateMode = U32(value);
                break;
            case SendAttributeKind.Fileattr:
                _fileattr = U64(value);
                break;
            case SendAttributeKind.UnencodedFileLength:
                _unencodedFileLength = U64(value);
                break;
            case SendAttributeKind.UnencodedLength:
                _unencodedLength = U64(value);
                break;
            case SendAttributeKind.UnencodedOffset:
                _unencodedOffset = U64(value);
                break;
            case SendAttributeKind.Compression:
                _compression = U32(value);
                break;
            case SendAttributeKind.Encryption:
                _encryption = U32(value);
                break;
            case SendAttributeKind.VerityAlgorithm:
                _verityAlgorithm = value[0];
                break;
            case SendAttributeKind.VerityBlockSize:
                _verityBlockSize = U32(value);
                break;
            case SendAttributeKind.VeritySaltData:
                _veritySalt = value.ToArray();
                break;
            case SendAttributeKind.VeritySigData:
                _veritySignature = value.ToArray();
                break;
            default:
                // Data goes through SetData; the parser refuses every number not above.
                throw new ArgumentOutOfRangeException(nameof(attribute), attribute, "not a value attribute");
        }
    }

    /// <summary>Sets the data attribute: where its bytes lie in the stream (they are never copied).</summary>
    public void SetData(long streamOffset, int length)
    {
        _mask |= SendProtocol.Bit(SendAttributeKind.Data);
        _data = new SendDataRange(streamOffset, length);
    }

    public SendCommand Build() =>
        new()
        {
            Kind = _kind,
            StreamOffset = _streamOffset,
            PayloadLength = _payloadLength,
            AttributeMask = _mask,
            Path = _path,
            PathTo = _pathTo,
            PathLink = _pathLink,
            ClonePath = _clonePath,
            XattrName = _xattrName,
            XattrData = _xattrData,
            Data = _data,
            Uuid = _uuid,
            Ctransid = _ctransid,
            CloneUuid = _cloneUuid,
            CloneCtransid = _cloneCtransid,
            CloneOffset = _cloneOffset,
            CloneLength = _cloneLength,
            Ino = _ino,
            FileOffset = _fileOffset,
            Size = _size,
            Mode = _mode,
            Uid = _uid,
            Gid = _gid,
            Rdev = _rdev,
            Atime = _atime,
            Mtime = _mtime,
            Ctime = _ctime,
            Otime = _otime,
            UnencodedFileLength = _unencodedFileLength,
            UnencodedLength = _unencodedLength,
            UnencodedOffset = _unencodedOffset,
            Compression = _compression,
            Encryption = _encryption,
            FallocateMode = _fallocateMode,
            Fileattr = _fileattr,
            VerityAlgorithm = _verityAlgorithm,
            VerityBlockSize = _verityBlockSize,
            VeritySalt = _veritySalt,
            VeritySignature = _veritySignature,
        };

    private static ulong U64(ReadOnlySpan<byte> value) => BinaryPrimitives.ReadUInt64LittleEndian(value);

    private static uint U32(ReadOnlySpan<byte> value) => BinaryPrimitives.ReadUInt32LittleEndian(value);

    private static SendTimestamp Timestamp(ReadOnlySpan<byte> value) =>
        new(BinaryPrimitives.ReadInt64LittleEndian(value), BinaryPrimitives.ReadUInt32LittleEndian(value[8..]));
}
