using System.Security.Cryptography;
using NSec.Cryptography;

namespace BtrfsToS3.Shared.Crypto;

/// <summary>
/// An age X25519 identity: the 32-byte secret key that decrypts files encrypted to its <see cref="Recipient"/>, written
/// <c>AGE-SECRET-KEY-1…</c> (Bech32 with the human-readable part "AGE-SECRET-KEY-", upper case), one a line in an
/// identity file as <c>age-keygen</c> writes it.
/// </summary>
/// <remarks>Error messages never quote a secret key, not even its start: they name the file and line instead.</remarks>
internal sealed class AgeIdentity
{
    /// <summary>What every X25519 identity starts with.</summary>
    public const string Prefix = "AGE-SECRET-KEY-1";

    private const string Hrp = "AGE-SECRET-KEY-";

    private readonly byte[] _secret;

    private AgeIdentity(byte[] secret, string? source)
    {
        _secret = secret;
        Source = source;
        using Key key = ImportKey(_secret);
        Recipient = AgeRecipient.FromPublicKey(key.PublicKey.Export(KeyBlobFormat.RawPublicKey));
    }

    /// <summary>The public key files for this identity are encrypted to.</summary>
    public AgeRecipient Recipient { get; }

    /// <summary>The file the identity was read from, for error messages; null when it was parsed from text.</summary>
    public string? Source { get; }

    public static AgeIdentity Parse(string text) => Parse(text, null, "age identity");

    /// <summary>
    /// The identities of an identity file: one <c>AGE-SECRET-KEY-1…</c> a line, blank lines and lines starting with
    /// '#' (age-keygen's "created" and "public key" comments) ignored, as <c>age -i</c> reads it.
    /// </summary>
    public static IReadOnlyList<AgeIdentity> ReadFile(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AgeException($"age identity file {path}: {e.Message}", e);
        }

        var identities = new List<AgeIdentity>();
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            identities.Add(Parse(line, path, $"age identity file {path}, line {i + 1}"));
        }

        return identities.Count > 0
            ? identities
            : throw new AgeException(
                $"age identity file {path}: it holds no identity (a line AGE-SECRET-KEY-1…, as age-keygen writes)"
            );
    }

    /// <summary>A new random identity (as <c>age-keygen</c> makes one).</summary>
    public static AgeIdentity Generate() => new(RandomNumberGenerator.GetBytes(AgeRecipient.KeySize), null);

    /// <summary>The canonical <c>AGE-SECRET-KEY-1…</c> text, for writing an identity file.</summary>
    public string ToSecretText() => Bech32.Encode(Hrp.ToLowerInvariant(), _secret).ToUpperInvariant();

    /// <summary>This identity's X25519 key in libsodium, for one key agreement; the caller disposes of it.</summary>
    internal Key ImportKey() => ImportKey(_secret);

    public override string ToString() => $"age identity of {Recipient}";

    private static Key ImportKey(ReadOnlySpan<byte> _secret) =>
        Key.Import(KeyAgreementAlgorithm.X25519, _secret, KeyBlobFormat.RawPrivateKey);

    private static AgeIdentity Parse(string text, string? source, string where)
    {
        ArgumentNullException.ThrowIfNull(text);
        (string hrp, byte[] data) decoded;
        try
        {
            decoded = Bech32.Decode(text);
        }
        catch (FormatException e)
        {
            throw new AgeException($"{where}: not an age X25519 identity ({Prefix}…): {e.Message}", e);
        }

        if (decoded.hrp != Hrp)
        {
            throw new AgeException(
                decoded.hrp.Equals(Hrp, StringComparison.OrdinalIgnoreCase)
                    ? $"{where}: the identity is in lower case; age identities are written in upper case ({Prefix}…)"
                : decoded.hrp == "age"
                    ? $"{where}: this is a public key (age1…), not the secret key ({Prefix}…) that decrypts"
                : $"{where}: not an age X25519 identity ({Prefix}…); other identity types (plugins, post-quantum keys) are not supported"
            );
        }

        return decoded.data.Length == AgeRecipient.KeySize
            ? new AgeIdentity(decoded.data, source)
            : throw new AgeException(
                $"{where}: the identity holds {decoded.data.Length} bytes, not the {AgeRecipient.KeySize} of an X25519 secret key"
            );
    }
}
