namespace BtrfsToS3.Shared.Crypto;

/// <summary>
/// Bech32 (BIP 173, not bech32m), the encoding of age's keys: a human-readable part, '1', the data five bits to a
/// character, and a six-character checksum. As the age spec says, without BIP 173's 90-character limit (an age secret
/// key is 74 and other age key types are far longer); all upper or all lower case, the checksum always over the lower.
/// </summary>
internal static class Bech32
{
    private const string Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

    private const int ChecksumLength = 6;

    private static readonly uint[] Generator = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

    /// <summary>The lower-case encoding of <paramref name="data"/> under <paramref name="hrp"/> (given in lower
    /// case).</summary>
    public static string Encode(string hrp, ReadOnlySpan<byte> data)
    {
        CheckHrp(hrp);
        if (hrp.Any(char.IsAsciiLetterUpper))
        {
            throw new ArgumentException("the human-readable part is given in lower case", nameof(hrp));
        }

        byte[] values = ToFiveBits(data);
        byte[] checksum = Checksum(hrp, values);
        var text = new char[hrp.Length + 1 + values.Length + ChecksumLength];
        hrp.CopyTo(text);
        text[hrp.Length] = '1';
        int at = hrp.Length + 1;
        foreach (byte value in values.Concat(checksum))
        {
            text[at++] = Charset[value];
        }

        return new string(text);
    }

    /// <summary>
    /// The human-readable part, in the case the text has it, and the data. Throws <see cref="FormatException"/> saying
    /// what is wrong: age takes upper case for secret keys and lower case for recipients, so the caller checks the case
    /// of the part it expects.
    /// </summary>
    public static (string Hrp, byte[] Data) Decode(string text)
    {
        if (text.Any(c => c < 33 || c > 126))
        {
            throw new FormatException("it has a character outside ASCII 33-126");
        }

        bool hasLower = text.Any(char.IsAsciiLetterLower);
        bool hasUpper = text.Any(char.IsAsciiLetterUpper);
        if (hasLower && hasUpper)
        {
            throw new FormatException("it mixes upper and lower case");
        }

        int separator = text.LastIndexOf('1');
        if (separator < 1)
        {
            throw new FormatException(separator < 0 ? "it has no '1' separator" : "its human-readable part is empty");
        }

        string hrp = text[..separator];
        CheckHrp(hrp);
        string lower = text.ToLowerInvariant();
        int dataLength = text.Length - separator - 1;
        if (dataLength < ChecksumLength)
        {
            throw new FormatException("its checksum is too short");
        }

        var values = new byte[dataLength];
        for (int i = 0; i < dataLength; i++)
        {
            int value = Charset.IndexOf(lower[separator + 1 + i], StringComparison.Ordinal);
            values[i] =
                value >= 0
                    ? (byte)value
                    : throw new FormatException($"'{text[separator + 1 + i]}' is not a Bech32 character");
        }

        if (Polymod(lower[..separator], values) != 1)
        {
            throw new FormatException("its checksum does not match (a character is wrong or missing)");
        }

        return (hrp, FromFiveBits(values.AsSpan(0, dataLength - ChecksumLength)));
    }

    private static void CheckHrp(string hrp)
    {
        if (hrp.Length == 0 || hrp.Any(c => c < 33 || c > 126))
        {
            throw new FormatException("its human-readable part is empty or has a character outside ASCII 33-126");
        }
    }

    private static byte[] ToFiveBits(ReadOnlySpan<byte> data)
    {
        var values = new byte[(data.Length * 8 + 4) / 5];
        int accumulator = 0;
        int bits = 0;
        int at = 0;
        foreach (byte b in data)
        {
            accumulator = (accumulator << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                values[at++] = (byte)((accumulator >> bits) & 31);
            }
        }

        if (bits > 0)
        {
            values[at] = (byte)((accumulator << (5 - bits)) & 31);
        }

        return values;
    }

    /// <summary>Strict: the padding at the end is fewer than five bits and all zero, so each text has one
    /// meaning.</summary>
    private static byte[] FromFiveBits(ReadOnlySpan<byte> values)
    {
        var data = new byte[values.Length * 5 / 8];
        int accumulator = 0;
        int bits = 0;
        int at = 0;
        foreach (byte value in values)
        {
            accumulator = ((accumulator << 5) | value) & 0xfff;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                data[at++] = (byte)(accumulator >> bits);
            }
        }

        if (bits >= 5 || (accumulator & ((1 << bits) - 1)) != 0)
        {
            throw new FormatException("its data has padding that is too long or not zero");
        }

        return data;
    }

    private static byte[] Checksum(string lowerHrp, byte[] values)
    {
        uint polymod = Polymod(lowerHrp, [.. values, 0, 0, 0, 0, 0, 0]) ^ 1;
        var checksum = new byte[ChecksumLength];
        for (int i = 0; i < ChecksumLength; i++)
        {
            checksum[i] = (byte)((polymod >> (5 * (5 - i))) & 31);
        }

        return checksum;
    }

    private static uint Polymod(string lowerHrp, ReadOnlySpan<byte> values)
    {
        uint checksum = 1;
        foreach (char c in lowerHrp)
        {
            checksum = Step(checksum, (uint)c >> 5);
        }

        checksum = Step(checksum, 0);
        foreach (char c in lowerHrp)
        {
            checksum = Step(checksum, (uint)c & 31);
        }

        foreach (byte value in values)
        {
            checksum = Step(checksum, value);
        }

        return checksum;
    }

    private static uint Step(uint checksum, uint value)
    {
        uint top = checksum >> 25;
        checksum = ((checksum & 0x1ffffff) << 5) ^ value;
        for (int i = 0; i < Generator.Length; i++)
        {
            if (((top >> i) & 1) != 0)
            {
                checksum ^= Generator[i];
            }
        }

        return checksum;
    }
}
