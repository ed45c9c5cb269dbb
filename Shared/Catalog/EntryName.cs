using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace BtrfsToS3.Shared.Catalog;

/// <summary>
/// A name as btrfs holds it (a directory entry, an xattr's name, a symlink's target): bytes, compared byte by byte,
/// so that lists come in the order <c>LC_ALL=C ls</c> shows. As a string it is the bytes' UTF-8 decoding where they
/// are valid UTF-8; each byte that is not part of a valid sequence becomes the lone surrogate U+DC00 + byte
/// (U+DC80–U+DCFF, as Python's surrogateescape does), which no valid UTF-8 decodes to. So every name has exactly one
/// string, and <see cref="FromString"/> takes that string back to the same bytes.
/// </summary>
internal readonly struct EntryName : IEquatable<EntryName>, IComparable<EntryName>
{
    private const char EscapeBase = '\uDC00';

    private readonly byte[]? bytes;

    public EntryName(byte[] bytes) => this.bytes = bytes;

    public ReadOnlySpan<byte> Bytes => bytes;

    public int Length => bytes?.Length ?? 0;

    /// <summary>The name whose string <paramref name="text"/> is, or null where no name has that string (a lone
    /// surrogate outside U+DC80–U+DCFF, or escapes of bytes that are valid UTF-8 together).</summary>
    public static EntryName? FromString(string text)
    {
        if (!text.AsSpan().ContainsAnyInRange('\uD800', '\uDFFF'))
        {
            return new EntryName(Encoding.UTF8.GetBytes(text));
        }

        var written = new ArrayBufferWriter<byte>(text.Length * 3);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c is >= '\uDC80' and <= '\uDCFF')
            {
                written.GetSpan(1)[0] = (byte)(c - EscapeBase);
                written.Advance(1);
                continue;
            }

            if (Rune.DecodeFromUtf16(text.AsSpan(i), out Rune rune, out int used) != OperationStatus.Done)
            {
                return null;
            }

            written.Advance(rune.EncodeToUtf8(written.GetSpan(4)));
            i += used - 1;
        }

        var name = new EntryName(written.WrittenSpan.ToArray());
        return name.ToString() == text ? name : null;
    }

    /// <summary>The string of <paramref name="bytes"/>, as <see cref="EntryName"/> says.</summary>
    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        if (Utf8.IsValid(bytes))
        {
            return Encoding.UTF8.GetString(bytes);
        }

        var text = new StringBuilder(bytes.Length);
        Span<char> pair = stackalloc char[2];
        while (!bytes.IsEmpty)
        {
            if (Rune.DecodeFromUtf8(bytes, out Rune rune, out int used) == OperationStatus.Done)
            {
                text.Append(pair[..rune.EncodeToUtf16(pair)]);
            }
            else
            {
                foreach (byte b in bytes[..used])
                {
                    text.Append((char)(EscapeBase + b));
                }
            }

            bytes = bytes[used..];
        }

        return text.ToString();
    }

    public int CompareTo(EntryName other) => Bytes.SequenceCompareTo(other.Bytes);

    public bool Equals(EntryName other) => Bytes.SequenceEqual(other.Bytes);

    public override bool Equals(object? obj) => obj is EntryName other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(Bytes);
        return hash.ToHashCode();
    }

    public override string ToString() => Decode(Bytes);

    public static bool operator ==(EntryName left, EntryName right) => left.Equals(right);

    public static bool operator !=(EntryName left, EntryName right) => !left.Equals(right);

    public static bool operator <(EntryName left, EntryName right) => left.CompareTo(right) < 0;

    public static bool operator <=(EntryName left, EntryName right) => left.CompareTo(right) <= 0;

    public static bool operator >(EntryName left, EntryName right) => left.CompareTo(right) > 0;

    public static bool operator >=(EntryName left, EntryName right) => left.CompareTo(right) >= 0;
}
