using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace BtrfsToS3.Shared.SendStream;

/// <summary>
/// Names as bytes, held as strings without loss (Python's "surrogateescape"): valid UTF-8 decodes as UTF-8, and each
/// byte of an invalid sequence becomes the lone surrogate U+DC00 + byte (U+DC80..U+DCFF, as only bytes from 0x80 can
/// be invalid). UTF-8 cannot encode a surrogate, so no valid sequence decodes to one: the mapping is one to one, and
/// <see cref="Encode"/> gives back the exact bytes. Names are bytes to btrfs; almost all are UTF-8, which this keeps
/// readable, and a restore must still find the odd one by its exact bytes.
/// </summary>
internal static class LosslessUtf8
{
    private const char EscapeBase = '\uDC00';

    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        if (Utf8.IsValid(bytes))
        {
            return Encoding.UTF8.GetString(bytes);
        }

        var text = new StringBuilder(bytes.Length);
        Span<char> utf16 = stackalloc char[2];
        while (!bytes.IsEmpty)
        {
            OperationStatus status = Rune.DecodeFromUtf8(bytes, out Rune rune, out int consumed);
            if (status == OperationStatus.Done)
            {
                _ = text.Append(utf16[..rune.EncodeToUtf16(utf16)]);
            }
            else
            {
                // An invalid or cut-short sequence: each of its bytes escaped on its own.
                foreach (byte b in bytes[..consumed])
                {
                    _ = text.Append((char)(EscapeBase + b));
                }
            }

            bytes = bytes[consumed..];
        }

        return text.ToString();
    }

    /// <summary>The bytes <paramref name="text"/> was decoded from.</summary>
    /// <exception cref="ArgumentException">The text holds a lone surrogate that <see cref="Decode"/> never
    /// makes.</exception>
    public static byte[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.AsSpan().ContainsAnyInRange('\uD800', '\uDFFF'))
        {
            return Encoding.UTF8.GetBytes(text);
        }

        var bytes = new List<byte>(text.Length + 8);
        Span<byte> rune = stackalloc byte[4];
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                int written = new Rune(c, text[i + 1]).EncodeToUtf8(rune);
                bytes.AddRange(rune[..written]);
                i++;
            }
            else if (c >= '\uDC80' && c <= '\uDCFF')
            {
                bytes.Add((byte)(c - EscapeBase));
            }
            else if (char.IsSurrogate(c))
            {
                throw new ArgumentException($"a lone surrogate U+{(int)c:X4} at {i} is no escaped byte", nameof(text));
            }
            else
            {
                int written = new Rune(c).EncodeToUtf8(rune);
                bytes.AddRange(rune[..written]);
            }
        }

        return [.. bytes];
    }

    /// <summary>True when the name's bytes are UTF-8: it holds no lone surrogate standing for a byte that is
    /// not.</summary>
    public static bool IsUtf8(string name)
    {
        for (int i = 0; i < name.Length; i++)
        {
            if (char.IsHighSurrogate(name[i]) && i + 1 < name.Length && char.IsLowSurrogate(name[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(name[i]))
            {
                return false;
            }
        }

        return true;
    }
}
