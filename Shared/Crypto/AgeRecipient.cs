namespace BtrfsToS3.Shared.Crypto;

/// <summary>
/// An age X25519 recipient: the 32-byte public key a file is encrypted to, written <c>age1…</c> (Bech32 with the
/// human-readable part "age", in lower case, as <c>age-keygen</c> prints it and <c>age -r</c> takes it).
/// </summary>
internal sealed record AgeRecipient
{
    public const int KeySize = 32;

    private const string Hrp = "age";

    private readonly byte[] _key;

    private AgeRecipient(byte[] key, string text)
    {
        _key = key;
        Text = text;
    }

    /// <summary>The canonical <c>age1…</c> text.</summary>
    public string Text { get; }

    /// <summary>The raw X25519 public key (RFC 7748's u-coordinate, little-endian).</summary>
    public ReadOnlySpan<byte> PublicKey => _key;

    public static AgeRecipient Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.StartsWith(AgeIdentity.Prefix, StringComparison.OrdinalIgnoreCase))
        {
            // Not even the start of a secret key goes into an error message, which may end up in a log.
            throw new AgeException(
                "age recipient: this is a secret key (AGE-SECRET-KEY-1…), which stays with restore; give its public key age1… (age-keygen -y prints it)"
            );
        }

        (string hrp, byte[] data) decoded;
        try
        {
            decoded = Bech32.Decode(text);
        }
        catch (FormatException e)
        {
            throw new AgeException($"age recipient {Quote(text)}: {e.Message}; expected an X25519 public key age1…", e);
        }

        if (decoded.hrp != Hrp)
        {
            throw new AgeException(
                decoded.hrp.Equals(Hrp, StringComparison.OrdinalIgnoreCase)
                    ? $"age recipient {Quote(text)}: it is in upper case; age recipients are written in lower case (age1…)"
                    : $"age recipient {Quote(text)}: it starts with \"{Quote(decoded.hrp)}1\", not \"age1\"; expected an X25519 public key age1…"
            );
        }

        return decoded.data.Length == KeySize
            ? new AgeRecipient(decoded.data, text)
            : throw new AgeException(
                $"age recipient {Quote(text)}: it holds {decoded.data.Length} bytes, not the {KeySize} of an X25519 public key"
            );
    }

    /// <summary>The recipient <paramref name="text"/> names, or null when it names none.</summary>
    public static AgeRecipient? TryParse(string text)
    {
        try
        {
            return Parse(text);
        }
        catch (AgeException)
        {
            return null;
        }
    }

    /// <summary>The recipient of a raw X25519 public key.</summary>
    public static AgeRecipient FromPublicKey(ReadOnlySpan<byte> publicKey) =>
        publicKey.Length == KeySize
            ? new AgeRecipient(publicKey.ToArray(), Bech32.Encode(Hrp, publicKey))
            : throw new ArgumentException($"an X25519 public key is {KeySize} bytes", nameof(publicKey));

    public bool Equals(AgeRecipient? other) => other is not null && _key.AsSpan().SequenceEqual(other._key);

    public override int GetHashCode() => BitConverter.ToInt32(_key);

    public override string ToString() => Text;

    /// <summary>Enough of a bad text to recognise it in an error message, and no more: it may be long or
    /// garbage.</summary>
    private static string Quote(string text) => text.Length <= 20 ? text : text[..20] + "…";
}
