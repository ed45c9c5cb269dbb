using System.Security.Cryptography;
using System.Text;

namespace BtrfsToS3.Shared.Crypto;

/// <summary>
/// The textual header of an age file (age spec, "Header"): the version line, one or more recipient stanzas, and the MAC
/// line. Parsing is strict, as the spec asks and the C2SP test vectors check: the MAC covers the header's exact bytes,
/// so only one byte form of each header may be accepted.
/// </summary>
/// <param name="Stanzas">The recipient stanzas, in file order.</param>
/// <param name="Mac">The 32-byte HMAC-SHA-256 of the MAC line.</param>
/// <param name="MacedLength">How many of the header's bytes the MAC covers: all up to and including the final
/// "---".</param>
internal sealed record AgeHeader(IReadOnlyList<AgeStanza> Stanzas, byte[] Mac, int MacedLength)
{
    /// <summary>The version line, the first of every age v1 file.</summary>
    public const string VersionLine = "age-encryption.org/v1";

    /// <summary>What every age file starts with, whatever its version.</summary>
    public const string Intro = "age-encryption.org/";

    /// <summary>A stanza body is base64 wrapped at 64 columns; a shorter (maybe empty) line ends it.</summary>
    public const int BodyColumns = 64;

    public const int MacSize = 32;

    private const string StanzaPrefix = "-> ";

    private const string MacMark = "---";

    private static readonly byte[] HeaderInfo = Encoding.ASCII.GetBytes("header");

    /// <summary>
    /// Reads a whole header: <paramref name="header"/> is every byte up to and including the MAC line's line feed.
    /// </summary>
    public static AgeHeader Parse(ReadOnlySpan<byte> header)
    {
        if (header.IsEmpty || header[^1] != '\n')
        {
            throw Malformed(1, "the header does not end with a line feed");
        }

        var stanzas = new List<AgeStanza>();
        int lineNumber = 0;
        int at = 0;
        if (!NextLine(header, ref at, ref lineNumber, out _).SequenceEqual(Encoding.ASCII.GetBytes(VersionLine)))
        {
            throw new AgeException($"not an age v1 file: it does not start with the line {VersionLine}");
        }

        while (at < header.Length)
        {
            ReadOnlySpan<byte> line = NextLine(header, ref at, ref lineNumber, out int start);
            if (line.StartsWith("---"u8))
            {
                if (stanzas.Count == 0)
                {
                    throw Malformed(lineNumber, "the header has no recipient stanza");
                }

                if (at != header.Length)
                {
                    throw Malformed(lineNumber, "the MAC line is not the last line of the header");
                }

                return new AgeHeader(stanzas, ParseMac(line, lineNumber), start + MacMark.Length);
            }

            if (!line.StartsWith("-> "u8))
            {
                throw Malformed(lineNumber, "the line is neither a recipient stanza (-> …) nor the MAC (--- …)");
            }

            int argumentLine = lineNumber;
            string[] arguments = ParseArguments(line[StanzaPrefix.Length..], lineNumber);
            var body = new List<byte>();
            while (true)
            {
                if (at >= header.Length)
                {
                    throw Malformed(argumentLine, "the stanza's body does not end with a line shorter than 64 columns");
                }

                ReadOnlySpan<byte> bodyLine = NextLine(header, ref at, ref lineNumber, out _);
                if (bodyLine.Length > BodyColumns)
                {
                    throw Malformed(lineNumber, $"a stanza body line is longer than {BodyColumns} columns");
                }

                body.AddRange(bodyLine);
                if (bodyLine.Length < BodyColumns)
                {
                    break;
                }
            }

            if (!AgeBase64.TryDecode(body.ToArray(), out byte[] decoded))
            {
                throw Malformed(argumentLine, "the stanza's body is not canonical base64 without padding");
            }

            stanzas.Add(new AgeStanza(arguments, decoded));
        }

        throw Malformed(lineNumber, "the header ends without its MAC line (--- …)");
    }

    /// <summary>The whole header for <paramref name="stanzas"/>, MAC line included, authenticated with the file
    /// key.</summary>
    public static byte[] Write(IReadOnlyList<AgeStanza> stanzas, ReadOnlySpan<byte> fileKey)
    {
        var text = new StringBuilder(VersionLine).Append('\n');
        foreach (AgeStanza stanza in stanzas)
        {
            text.Append(StanzaPrefix).AppendJoin(' ', stanza.Arguments).Append('\n');
            string body = AgeBase64.Encode(stanza.Body);
            int at = 0;
            for (; body.Length - at >= BodyColumns; at += BodyColumns)
            {
                text.Append(body, at, BodyColumns).Append('\n');
            }

            text.Append(body, at, body.Length - at).Append('\n');
        }

        text.Append(MacMark);
        byte[] maced = Encoding.ASCII.GetBytes(text.ToString());
        text.Append(' ').Append(AgeBase64.Encode(ComputeMac(fileKey, maced))).Append('\n');
        return Encoding.ASCII.GetBytes(text.ToString());
    }

    /// <summary>HMAC-SHA-256 under HKDF-SHA-256(file key, salt = empty, info = "header").</summary>
    public static byte[] ComputeMac(ReadOnlySpan<byte> fileKey, ReadOnlySpan<byte> maced)
    {
        Span<byte> key = stackalloc byte[AgePayload.KeySize];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, fileKey, key, [], HeaderInfo);
        byte[] mac = HMACSHA256.HashData(key, maced);
        CryptographicOperations.ZeroMemory(key);
        return mac;
    }

    /// <summary>The line at <paramref name="at"/> without its line feed; moves past it.</summary>
    private static ReadOnlySpan<byte> NextLine(ReadOnlySpan<byte> header, ref int at, ref int lineNumber, out int start)
    {
        start = at;
        int length = header[at..].IndexOf((byte)'\n');
        at += length + 1;
        lineNumber++;
        return header.Slice(start, length);
    }

    private static string[] ParseArguments(ReadOnlySpan<byte> text, int lineNumber)
    {
        var arguments = new List<string>();
        foreach (Range range in text.Split((byte)' '))
        {
            ReadOnlySpan<byte> argument = text[range];
            if (argument.IsEmpty)
            {
                throw Malformed(lineNumber, "a stanza has an empty argument (or none)");
            }

            foreach (byte c in argument)
            {
                if (c < 0x21 || c > 0x7e)
                {
                    throw Malformed(lineNumber, $"a stanza argument has the byte 0x{c:x2}, not printable ASCII");
                }
            }

            arguments.Add(Encoding.ASCII.GetString(argument));
        }

        return [.. arguments];
    }

    private static byte[] ParseMac(ReadOnlySpan<byte> line, int lineNumber)
    {
        ReadOnlySpan<byte> encoded = line[MacMark.Length..];
        return
            encoded.Length == 1 + AgeBase64.EncodedLength(MacSize)
            && encoded[0] == ' '
            && AgeBase64.TryDecode(encoded[1..], out byte[] mac)
            ? mac
            : throw Malformed(
                lineNumber,
                $"the MAC line is not \"--- \" and the {AgeBase64.EncodedLength(MacSize)} characters of a canonical base64 MAC"
            );
    }

    private static AgeException Malformed(int lineNumber, string problem) =>
        new($"the age header is malformed at line {lineNumber}: {problem}");
}
