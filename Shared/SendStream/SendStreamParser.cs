using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.Hashing;

namespace BtrfsToS3.Shared.SendStream;

/// <summary>
/// Reads a btrfs send stream (protocol 1 to 3) pushed to it in blocks of any size, and hands each command, checked,
/// to a sink in stream order. It checks the magic and the version, every command's CRC-32C, each command's length
/// against the protocol's bound, each attribute against its command's end and its type's length, that every command
/// and attribute number is one the stream's version knows and appears once, that each command carries what its kind
/// requires, that the stream starts with its one subvol or snapshot command, and that it ends with the end command
/// and nothing after. Every failure is a <see cref="BackupFailure"/> of <see cref="FailureKind.BadData"/> naming the
/// stream offset.
/// </summary>
/// <remarks>
/// File data (write and encoded write) is checksummed in the fed block and never copied; only headers and the other
/// attributes that straddle two blocks go through a carry buffer of at most 64 KiB (a TLV's largest value), so no
/// length read from the stream makes it allocate more.
/// </remarks>
internal sealed class SendStreamParser(ISendCommandSink sink)
{
    private readonly SendCommandBuilder _command = new();
    private readonly Crc32 _crc = new(Crc32C.SeedZero);
    private byte[] _carry = new byte[256];
    private int _carried;
    private SendParseState _state = SendParseState.StreamHeader;
    private long _position;
    private int _version;
    private bool _subvolumeSeen;

    // The command being read: its payload bytes still to come, and its stored CRC.
    private int _remaining;
    private uint _storedCrc;

    // The attribute being read: its type, its header's offset and, for a value or data, the bytes still to come.
    private SendAttributeKind _attribute;
    private long _attributeOffset;
    private int _valueLength;
    private int _dataRemaining;

    /// <summary>The stream's protocol version, once its header is read (0 before).</summary>
    public int Version => _version;

    /// <summary>The bytes fed so far: the stream offset of the next byte.</summary>
    public long Position => _position;

    /// <summary>Reads the next bytes of the stream, in whatever pieces they come; a command may straddle any number of
    /// blocks.</summary>
    /// <exception cref="BackupFailure">The stream is not a well-formed send stream (BadData).</exception>
    public void Feed(ReadOnlySpan<byte> block)
    {
        if (_state == SendParseState.Failed)
        {
            throw new InvalidOperationException("the send stream parser failed before: it takes no more input");
        }

        try
        {
            FeedCore(block);
        }
        catch
        {
            _state = SendParseState.Failed;
            throw;
        }
    }

    /// <summary>Says the stream has ended: it must have ended with its end command.</summary>
    /// <exception cref="BackupFailure">It ended early (BadData).</exception>
    public void Finish()
    {
        switch (_state)
        {
            case SendParseState.Ended:
                return;
            case SendParseState.Failed:
                throw new InvalidOperationException("the send stream parser failed before: it takes no more input");
            case SendParseState.StreamHeader:
                _state = SendParseState.Failed;
                throw Corrupt(
                    _position == 0
                        ? "send stream: the stream is empty"
                        : $"send stream: the stream ends at offset {_position} inside its {SendProtocol.StreamHeaderLength}-byte header"
                );
            case SendParseState.CommandHeader when _carried == 0:
                _state = SendParseState.Failed;
                throw Corrupt($"send stream: the stream ends at offset {_position} without its end command");
            case SendParseState.CommandHeader:
                _state = SendParseState.Failed;
                throw Corrupt(
                    $"send stream: the stream ends at offset {_position} inside the header of a command at offset {_position - _carried}"
                );
            default:
                _state = SendParseState.Failed;
                throw Corrupt($"send stream: the stream ends at offset {_position} inside {Command()}");
        }
    }

    private void FeedCore(ReadOnlySpan<byte> block)
    {
        while (!block.IsEmpty)
        {
            ReadOnlySpan<byte> unit;
            switch (_state)
            {
                case SendParseState.StreamHeader:
                    if (!Take(ref block, SendProtocol.StreamHeaderLength, out unit))
                    {
                        return;
                    }

                    ReadStreamHeader(unit);
                    break;
                case SendParseState.CommandHeader:
                    if (!Take(ref block, SendProtocol.CommandHeaderLength, out unit))
                    {
                        return;
                    }

                    StartCommand(unit);
                    break;
                case SendParseState.AttributeType:
                    if (!Take(ref block, sizeof(ushort), out unit))
                    {
                        return;
                    }

                    Payload(unit);
                    StartAttribute(BinaryPrimitives.ReadUInt16LittleEndian(unit));
                    break;
                case SendParseState.AttributeLength:
                    if (!Take(ref block, sizeof(ushort), out unit))
                    {
                        return;
                    }

                    Payload(unit);
                    ReadAttributeLength(BinaryPrimitives.ReadUInt16LittleEndian(unit));
                    break;
                case SendParseState.AttributeValue:
                    if (!Take(ref block, _valueLength, out unit))
                    {
                        return;
                    }

                    Payload(unit);
                    _command.Set(_attribute, unit);
                    NextAttribute();
                    break;
                case SendParseState.Data:
                    // The hot path: file data, checksummed where it lies.
                    int length = Math.Min(block.Length, _dataRemaining);
                    Payload(block[..length]);
                    block = block[length..];
                    _position += length;
                    _dataRemaining -= length;
                    if (_dataRemaining == 0)
                    {
                        NextAttribute();
                    }

                    break;
                default:
                    throw Corrupt(
                        $"send stream: {block.Length} more bytes at offset {_position} follow the end command at offset {_command.StreamOffset}"
                    );
            }
        }
    }

    /// <summary>
    /// The next <paramref name="length"/> bytes as one span: straight from the block when they lie whole in it (and
    /// nothing is carried), else gathered in the carry buffer across blocks. False while they are still incomplete;
    /// the span is valid until the next call.
    /// </summary>
    private bool Take(scoped ref ReadOnlySpan<byte> block, int length, out ReadOnlySpan<byte> unit)
    {
        if (_carried == 0 && block.Length >= length)
        {
            unit = block[..length];
            block = block[length..];
            _position += length;
            return true;
        }

        if (_carry.Length < length)
        {
            Array.Resize(ref _carry, Math.Max(length, 2 * _carry.Length));
        }

        int copied = Math.Min(length - _carried, block.Length);
        block[..copied].CopyTo(_carry.AsSpan(_carried));
        block = block[copied..];
        _carried += copied;
        _position += copied;
        if (_carried < length)
        {
            unit = default;
            return false;
        }

        unit = _carry.AsSpan(0, length);
        _carried = 0;
        return true;
    }

    private void ReadStreamHeader(ReadOnlySpan<byte> header)
    {
        if (!header[..SendProtocol.Magic.Length].SequenceEqual(SendProtocol.Magic))
        {
            throw Corrupt("send stream: offset 0 holds no \"btrfs-stream\" magic: not a btrfs send stream");
        }

        uint version = BinaryPrimitives.ReadUInt32LittleEndian(header[SendProtocol.Magic.Length..]);
        if (version is < 1 or > SendProtocol.MaxVersion)
        {
            throw Corrupt(
                $"send stream: protocol version {version} at offset {SendProtocol.Magic.Length}, this reader knows 1 to {SendProtocol.MaxVersion}"
            );
        }

        _version = (int)version;
        _state = SendParseState.CommandHeader;
    }

    private void StartCommand(ReadOnlySpan<byte> header)
    {
        long offset = _position - SendProtocol.CommandHeaderLength;
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(header);
        ushort number = BinaryPrimitives.ReadUInt16LittleEndian(header[4..]);
        int version = SendProtocol.CommandVersion(number);
        if (version == 0 || version > _version)
        {
            throw Corrupt(
                $"send stream: command at offset {offset} has type {number}, unknown to protocol version {_version}"
            );
        }

        var kind = (SendCommandKind)number;
        int bound = _version == 1 ? SendProtocol.MaxCommandLengthV1 : SendProtocol.MaxCommandLength;
        if (length > bound - SendProtocol.CommandHeaderLength)
        {
            throw Corrupt(
                $"send stream: command at offset {offset} ({SendProtocol.Name(kind)}) claims {length} bytes, past the {bound} bytes protocol version {_version} allows a command"
            );
        }

        bool subvolume = kind is SendCommandKind.Subvol or SendCommandKind.Snapshot;
        if (subvolume == _subvolumeSeen)
        {
            throw Corrupt(
                subvolume
                    ? $"send stream: command at offset {offset} ({SendProtocol.Name(kind)}) starts a second subvolume; a stream holds one"
                    : $"send stream: the first command, at offset {offset}, is {SendProtocol.Name(kind)}, not subvol or snapshot"
            );
        }

        _subvolumeSeen = true;
        _storedCrc = BinaryPrimitives.ReadUInt32LittleEndian(header[6..]);
        // The CRC covers the header with its CRC field zeroed, then the payload.
        Span<byte> zeroed = stackalloc byte[SendProtocol.CommandHeaderLength];
        header.CopyTo(zeroed);
        zeroed[6..].Clear();
        _crc.Reset();
        _crc.Append(zeroed);
        _remaining = (int)length;
        _command.Start(kind, offset, (int)length);
        NextAttribute();
    }

    private void StartAttribute(ushort number)
    {
        _attributeOffset = _position - sizeof(ushort);
        int version = SendProtocol.AttributeVersion(number);
        if (version == 0 || version > _version)
        {
            throw Corrupt(
                $"send stream: {Command()} has an attribute of type {number} at offset {_attributeOffset}, unknown to protocol version {_version}"
            );
        }

        _attribute = (SendAttributeKind)number;
        if ((_command.Mask & SendProtocol.Bit(_attribute)) != 0)
        {
            throw Corrupt($"send stream: {Command()} has a second {Attribute()}");
        }

        if (_attribute == SendAttributeKind.Data && _version >= 2)
        {
            // From v2 on, data has no length field: it runs to the command's end, so it comes last.
            StartData(_remaining);
        }
        else if (_remaining < sizeof(ushort))
        {
            throw Corrupt($"send stream: {Command()} ends inside the header of its {Attribute()}");
        }
        else
        {
            _state = SendParseState.AttributeLength;
        }
    }

    private void ReadAttributeLength(ushort length)
    {
        if (length > _remaining)
        {
            throw Corrupt(
                $"send stream: {Command()} has its {Attribute()} claim {length} bytes, past the command's end ({_remaining} bytes left)"
            );
        }

        int expected = SendProtocol.ValueLength(_attribute);
        if (expected != SendProtocol.Variable && length != expected)
        {
            throw Corrupt(
                $"send stream: {Command()} has its {Attribute()} {length} bytes long, its type takes {expected}"
            );
        }

        if (_attribute == SendAttributeKind.Data)
        {
            StartData(length);
        }
        else if (length == 0)
        {
            _command.Set(_attribute, []);
            NextAttribute();
        }
        else
        {
            _valueLength = length;
            _state = SendParseState.AttributeValue;
        }
    }

    private void StartData(int length)
    {
        _command.SetData(_position, length);
        _dataRemaining = length;
        _state = SendParseState.Data;
        if (length == 0)
        {
            NextAttribute();
        }
    }

    /// <summary>After a command's header or one of its attributes: the next attribute, or the command's end. Lengths of
    /// zero resolve here, at once, so that a block ending right after them leaves nothing pending.</summary>
    private void NextAttribute()
    {
        if (_remaining > 0)
        {
            _state = SendParseState.AttributeType;
            return;
        }

        uint computed = _crc.GetCurrentHashAsUInt32();
        if (computed != _storedCrc)
        {
            throw Corrupt(
                $"send stream: {Command()} fails its CRC-32C (stored {_storedCrc:x8}, computed {computed:x8})"
            );
        }

        ulong missing = SendProtocol.Required(_command.Kind) & ~_command.Mask;
        if (missing != 0)
        {
            var first = (SendAttributeKind)ulong.TrailingZeroCount(missing);
            throw Corrupt($"send stream: {Command()} lacks its {SendProtocol.Name(first)} attribute");
        }

        _state = _command.Kind == SendCommandKind.End ? SendParseState.Ended : SendParseState.CommandHeader;
        sink.OnCommand(_command.Build());
    }

    /// <summary>Counts payload bytes, checksummed as they are read.</summary>
    private void Payload(ReadOnlySpan<byte> bytes)
    {
        _crc.Append(bytes);
        _remaining -= bytes.Length;
    }

    private string Command() =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"command at offset {_command.StreamOffset} ({SendProtocol.Name(_command.Kind)})"
        );

    private string Attribute() =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{SendProtocol.Name(_attribute)} attribute at offset {_attributeOffset}"
        );

    private static BackupFailure Corrupt(string message) => new(FailureKind.BadData, message);
}
