using BtrfsToS3.Shared.Format;
using BtrfsToS3.Shared.Spool;
using NSec.Cryptography;

namespace BtrfsToS3.Shared.Crypto;

/// <summary>
/// An Ed25519 public key as people and the configuration write it: <c>ed25519:</c> and its 32 bytes in base64
/// (<c>ed25519:0pk8…=</c>, 52 characters).
/// </summary>
internal static class SignaturePublicKey
{
    public const string Prefix = "ed25519:";

    public static string Text(ReadOnlySpan<byte> publicKey) => Prefix + Convert.ToBase64String(publicKey);

    /// <summary>The key <paramref name="text"/> names, or null when it is not one.</summary>
    public static PublicKey? TryParse(string text)
    {
        if (!text.StartsWith(Prefix, StringComparison.Ordinal) || text.Length != Prefix.Length + 44)
        {
            return null;
        }

        try
        {
            byte[] raw = Convert.FromBase64String(text[Prefix.Length..]);
            return raw.Length == 32 && Text(raw) == text
                ? PublicKey.Import(SignatureAlgorithm.Ed25519, raw, KeyBlobFormat.RawPublicKey)
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>Checks a key a person gave (<c>--trust</c>, <c>[restore] trusted_keys</c>); the line names where it
    /// came from.</summary>
    public static string Check(string text, string where) =>
        TryParse(text) is not null
            ? text
            : throw new Failures.BackupFailure(
                Failures.FailureKind.Usage,
                $"{where}: {FieldCheck.Show(text)} is not a signing public key (ed25519: and 44 base64 characters, as check and status print it)"
            );
}
