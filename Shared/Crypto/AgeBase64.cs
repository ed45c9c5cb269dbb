using System.Buffers.Text;

namespace BtrfsToS3.Shared.Crypto;

/// <summary>
/// The base64 of age headers: RFC 4648's standard alphabet without '=' padding, and only the canonical encoding
/// accepted (unused bits zero), as the spec requires, so that a header has exactly one byte form and its MAC one
/// meaning.
/// </summary>
internal static class AgeBase64
{
    /// <summary>Characters of <paramref name="length"/> bytes encoded.</summary>
    public static int EncodedLength(int length) => (length * 4 + 2) / 3;

    public static string Encode(ReadOnlySpan<byte> data) => Convert.ToBase64String(data).TrimEnd('=');

    /// <summary>The bytes of <paramref name="text"/>, or false when it is not canonical unpadded base64.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> text, out byte[] data)
    {
        data = [];
        if (text.Length % 4 == 1)
        {
            return false;
        }

        foreach (byte c in text)
        {
            if (!char.IsAsciiLetterOrDigit((char)c) && c != '+' && c != '/')
            {
                return false;
            }
        }

        int padding = (4 - text.Length % 4) % 4;
        Span<byte> padded =
            text.Length + padding <= 1024 ? stackalloc byte[text.Length + padding] : new byte[text.Length + padding];
        text.CopyTo(padded);
        padded[text.Length..].Fill((byte)'=');
        var decoded = new byte[text.Length * 3 / 4];
        if (
            Base64.DecodeFromUtf8(padded, decoded, out _, out int written) != System.Buffers.OperationStatus.Done
            || written != decoded.Length
        )
        {
            return false;
        }

        // Canonical: the bits past the last whole byte are zero, which holds exactly when encoding gives the text back.
        Span<byte> again = padded.Length <= 1024 ? stackalloc byte[padded.Length] : new byte[padded.Length];
        Base64.EncodeToUtf8(decoded, again, out _, out int encoded);
        if (!again[..encoded].TrimEnd((byte)'=').SequenceEqual(text))
        {
            return false;
        }

        data = decoded;
        return true;
    }
}
