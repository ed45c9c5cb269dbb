using System.Buffers;
using System.Buffers.Text;
using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.Format;

namespace BtrfsToS3.Shared.Catalog;

/// <summary>
/// The fields of one catalog line, parsed once with <see cref="Utf8JsonReader"/> into reused slots (a catalog has a
/// million lines; none allocates here but for the values asked for), then taken one by one as the line's op needs
/// them, each checked for presence, JSON type and range. A field the op did not ask for is bad data too
/// (<see cref="CheckAllTaken"/>): a field we do not know means a newer format we must not guess at. Every violation is
/// one line naming the catalog, the line number, the field and its value (<see cref="FieldCheck"/>).
/// </summary>
internal sealed class CatalogLine(string catalog)
{
    private const int MaxSymlinkTarget = 4095;
    private const int MaxXattrName = 255;

    private static readonly int FieldCount = CatalogNames<CatalogField>.Names.Count;
    private static readonly JsonReaderOptions Options = new() { MaxDepth = 8 };

    private readonly JsonTokenType[] types = new JsonTokenType[FieldCount];
    private readonly long[] integers = new long[FieldCount];
    private readonly int[] nanoseconds = new int[FieldCount];
    private readonly int[] textStarts = new int[FieldCount];
    private readonly int[] textLengths = new int[FieldCount];

    /// <summary>The line's strings, unescaped, one after another.</summary>
    private byte[] text = new byte[4096];
    private int textUsed;

    // The fields present and taken, one bit per CatalogField (fewer than 64 of them).
    private ulong present;
    private ulong taken;

    public string Catalog => catalog;

    public int Number { get; private set; }

    public CatalogOp Op { get; private set; }

    public string OpName => CatalogNames<CatalogOp>.Name(Op);

    public void Parse(ReadOnlySpan<byte> json, int number)
    {
        Number = number;
        present = 0;
        taken = 0;
        textUsed = 0;
        try
        {
            var reader = new Utf8JsonReader(json, Options);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw Failure("the line is not a JSON object");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                ReadField(ref reader);
            }

            if (reader.Read())
            {
                throw Failure("the line holds more than one JSON value");
            }
        }
        catch (JsonException e)
        {
            throw Failure($"the line is not a JSON object ({e.Message})");
        }

        Op = TakeOp();
    }

    /// <summary>A non-negative integer of at most <paramref name="max"/>.</summary>
    public long Integer(CatalogField field, long max = long.MaxValue)
    {
        Require(field, JsonTokenType.Number, "must be an integer");
        long value = integers[(int)field];
        if (value < 0 || value > max)
        {
            throw Violation(
                field,
                value,
                max == long.MaxValue ? "is negative" : $"is not from 0 to {max.ToString(CultureInfo.InvariantCulture)}"
            );
        }

        return value;
    }

    public long? OptionalInteger(CatalogField field) => Has(field) ? Integer(field) : null;

    public string Text(CatalogField field) => Encoding.UTF8.GetString(Utf8(field));

    /// <summary>A path: from the plain field or, for bytes that are not UTF-8, its <c>_b64</c> twin; the top
    /// directory (the empty path) only where <paramref name="topAllowed"/>.</summary>
    public CatalogPath Path(CatalogField plain, CatalogField b64, bool topAllowed = false)
    {
        ReadOnlySpan<byte> bytes = Bytes(plain, b64, out CatalogField field);
        CatalogPath? path = CatalogPath.Parse(bytes);
        if (path is null || (!topAllowed && path.IsRoot))
        {
            throw Violation(
                field,
                EntryName.Decode(bytes),
                topAllowed
                    ? "is not a relative path without empty, '.' or '..' parts"
                    : "is not a relative path without empty, '.' or '..' parts, nor the top directory"
            );
        }

        return path;
    }

    /// <summary>An xattr's name: bytes without NUL, 1 to 255 of them.</summary>
    public EntryName XattrName(CatalogField plain, CatalogField b64) =>
        NameBytes(plain, b64, MaxXattrName, "is not an xattr name (1 to 255 bytes, no NUL)");

    /// <summary>A symlink's target: any bytes but NUL, 1 to 4095 of them.</summary>
    public EntryName SymlinkTarget(CatalogField plain, CatalogField b64) =>
        NameBytes(plain, b64, MaxSymlinkTarget, "is not a symlink target (1 to 4095 bytes, no NUL)");

    /// <summary>Bytes in base64.</summary>
    public ImmutableArray<byte> Base64Bytes(CatalogField field) => [.. Decoded(field)];

    public InodeTime Time(CatalogField field)
    {
        Require(field, JsonTokenType.StartArray, "must be [seconds, nanoseconds]");
        return new InodeTime(integers[(int)field], nanoseconds[(int)field]);
    }

    /// <summary>Every field present must have been taken by the op.</summary>
    public void CheckAllTaken()
    {
        ulong extra = present & ~taken;
        if (extra != 0)
        {
            var field = (CatalogField)ulong.TrailingZeroCount(extra);
            throw Violation(field, Shown(field), $"is not a field of {OpName}");
        }
    }

    public BackupFailure Violation(CatalogField field, object? value, string rule) =>
        new FieldCheck($"{catalog} line {Number}").Violation(CatalogNames<CatalogField>.Name(field), value, rule);

    /// <summary>A violation of the line as a whole.</summary>
    public BackupFailure Failure(string problem) =>
        new(FailureKind.BadData, $"{catalog} line {Number}: {problem}; it is not trusted");

    private void ReadField(ref Utf8JsonReader reader)
    {
        // An escaped name unescapes to at most its own length; none of ours is near 64 bytes.
        Span<byte> buffer = stackalloc byte[64];
        ReadOnlySpan<byte> name =
            reader.ValueIsEscaped && reader.ValueSpan.Length <= buffer.Length
                ? buffer[..reader.CopyString(buffer)]
                : reader.ValueSpan;
        if (!CatalogNames<CatalogField>.TryFind(name, out CatalogField field))
        {
            throw new FieldCheck($"{catalog} line {Number}").Violation(
                "field",
                EntryName.Decode(name),
                "is not a catalog field"
            );
        }

        int f = (int)field;
        if ((present & (1UL << f)) != 0)
        {
            throw Violation(field, null, "appears twice");
        }

        present |= 1UL << f;
        reader.Read();
        types[f] = reader.TokenType;
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                if (!reader.TryGetInt64(out integers[f]))
                {
                    throw Violation(field, Encoding.UTF8.GetString(reader.ValueSpan), "is not an integer of 64 bits");
                }

                break;
            case JsonTokenType.String:
                ReadString(ref reader, field);
                break;
            case JsonTokenType.StartArray when field is CatalogField.Atime or CatalogField.Mtime or CatalogField.Ctime:
                ReadTime(ref reader, field);
                break;
            default:
                reader.Skip();
                break;
        }
    }

    private void ReadString(ref Utf8JsonReader reader, CatalogField field)
    {
        int f = (int)field;
        ReadOnlySpan<byte> raw = reader.ValueSpan;
        if (text.Length - textUsed < raw.Length)
        {
            Array.Resize(ref text, Math.Max(text.Length * 2, textUsed + raw.Length));
        }

        int length;
        if (reader.ValueIsEscaped)
        {
            try
            {
                length = reader.CopyString(text.AsSpan(textUsed));
            }
            catch (InvalidOperationException)
            {
                throw Violation(field, null, "is not valid UTF-8 (a name that is not is written as its _b64 twin)");
            }
        }
        else
        {
            raw.CopyTo(text.AsSpan(textUsed));
            length = raw.Length;
        }

        if (!System.Text.Unicode.Utf8.IsValid(text.AsSpan(textUsed, length)))
        {
            throw Violation(field, null, "is not valid UTF-8 (a name that is not is written as its _b64 twin)");
        }

        textStarts[f] = textUsed;
        textLengths[f] = length;
        textUsed += length;
    }

    private void ReadTime(ref Utf8JsonReader reader, CatalogField field)
    {
        int f = (int)field;
        bool valid =
            reader.Read()
            && reader.TokenType == JsonTokenType.Number
            && reader.TryGetInt64(out integers[f])
            && reader.Read()
            && reader.TokenType == JsonTokenType.Number
            && reader.TryGetInt32(out nanoseconds[f])
            && nanoseconds[f] is >= 0 and < 1_000_000_000
            && reader.Read()
            && reader.TokenType == JsonTokenType.EndArray;
        if (!valid)
        {
            throw Violation(field, null, "must be [seconds, nanoseconds] with nanoseconds below 1,000,000,000");
        }
    }

    private CatalogOp TakeOp()
    {
        if (!CatalogNames<CatalogOp>.TryFind(Utf8(CatalogField.Op), out CatalogOp found))
        {
            throw Violation(CatalogField.Op, Text(CatalogField.Op), "is not a catalog command");
        }

        return found;
    }

    private bool Has(CatalogField field)
    {
        taken |= 1UL << (int)field;
        return (present & (1UL << (int)field)) != 0;
    }

    private void Require(CatalogField field, JsonTokenType type, string rule)
    {
        if (!Has(field))
        {
            throw Violation(field, null, "must be present");
        }

        if (types[(int)field] != type)
        {
            throw Violation(field, Shown(field), rule);
        }
    }

    private ReadOnlySpan<byte> Utf8(CatalogField field)
    {
        Require(field, JsonTokenType.String, "must be a string");
        return text.AsSpan(textStarts[(int)field], textLengths[(int)field]);
    }

    private byte[] Decoded(CatalogField field)
    {
        ReadOnlySpan<byte> base64 = Utf8(field);
        var bytes = new byte[Base64.GetMaxDecodedFromUtf8Length(base64.Length)];
        OperationStatus status = Base64.DecodeFromUtf8(base64, bytes, out _, out int written);
        if (status != OperationStatus.Done)
        {
            throw Violation(field, Encoding.UTF8.GetString(base64), "is not base64");
        }

        return bytes[..written];
    }

    /// <summary>The bytes of the plain field (UTF-8) or of its <c>_b64</c> twin (any bytes), whichever is present,
    /// and which it was.</summary>
    private ReadOnlySpan<byte> Bytes(CatalogField plain, CatalogField b64, out CatalogField field)
    {
        bool hasPlain = Has(plain);
        if (Has(b64))
        {
            if (hasPlain)
            {
                throw Violation(b64, Shown(b64), $"and {CatalogNames<CatalogField>.Name(plain)} are both present");
            }

            field = b64;
            return Decoded(b64);
        }

        field = plain;
        return Utf8(plain);
    }

    private EntryName NameBytes(CatalogField plain, CatalogField b64, int max, string rule)
    {
        ReadOnlySpan<byte> bytes = Bytes(plain, b64, out CatalogField field);
        if (bytes.IsEmpty || bytes.Length > max || bytes.Contains((byte)0))
        {
            throw Violation(field, EntryName.Decode(bytes), rule);
        }

        return new EntryName(bytes.ToArray());
    }

    /// <summary>A field's value as a message shows it.</summary>
    private object? Shown(CatalogField field) =>
        types[(int)field] switch
        {
            JsonTokenType.Number => integers[(int)field],
            JsonTokenType.String => EntryName.Decode(text.AsSpan(textStarts[(int)field], textLengths[(int)field])),
            JsonTokenType.True => "true",
            JsonTokenType.False => "false",
            JsonTokenType.StartArray => "[…]",
            JsonTokenType.StartObject => "{…}",
            _ => null,
        };
}
