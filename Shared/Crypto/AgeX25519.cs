using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;
using ChaCha20Poly1305 = System.Security.Cryptography.ChaCha20Poly1305;

namespace BtrfsToS3.Shared.Crypto;

/// <summary>
/// The X25519 recipient stanza (age spec, "The X25519 recipient type"): <c>-> X25519 &lt;ephemeral share&gt;</c> with
/// the file key sealed under HKDF-SHA-256(X25519 shared secret, salt = share || recipient, info =
/// "age-encryption.org/v1/X25519") with ChaCha20-Poly1305 and an all-zero nonce (each wrap key seals one file key
/// only).
/// </summary>
internal static class AgeX25519
{
    public const string StanzaType = "X25519";

    private const int WrappedKeySize = AgePayload.FileKeySize + AgePayload.TagSize;

    private static readonly byte[] Info = Encoding.ASCII.GetBytes("age-encryption.org/v1/X25519");

    public static AgeStanza Wrap(ReadOnlySpan<byte> fileKey, AgeRecipient recipient)
    {
        byte[] secret = RandomNumberGenerator.GetBytes(AgeRecipient.KeySize);
        try
        {
            using Key ephemeral = Key.Import(KeyAgreementAlgorithm.X25519, secret, KeyBlobFormat.RawPrivateKey);
            byte[] share = ephemeral.PublicKey.Export(KeyBlobFormat.RawPublicKey);
            byte[] wrapKey = WrapKey(ephemeral, recipient.PublicKey, share, recipient.PublicKey)
                ?? throw new AgeException(
                    $"age recipient {recipient}: it is a low-order point, not a usable X25519 public key"
                );
            var body = new byte[WrappedKeySize];
            using (var aead = new ChaCha20Poly1305(wrapKey))
            {
                aead.Encrypt(
                    stackalloc byte[AgePayload.SegmentNonceSize],
                    fileKey,
                    body.AsSpan(0, AgePayload.FileKeySize),
                    body.AsSpan(AgePayload.FileKeySize)
                );
            }

            CryptographicOperations.ZeroMemory(wrapKey);
            return new AgeStanza([StanzaType, AgeBase64.Encode(share)], body);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>
    /// Checks an X25519 stanza's form, as the spec requires of every one whatever the identities: exactly one argument
    /// after the type, canonical base64 of a 32-byte share, and a 32-byte body (checked before any decryption, against
    /// partitioning oracles). Returns the share.
    /// </summary>
    public static byte[] CheckForm(AgeStanza stanza, int number)
    {
        if (stanza.Arguments.Count != 2)
        {
            throw Invalid(number, $"it has {stanza.Arguments.Count - 1} arguments, not 1");
        }

        if (
            !AgeBase64.TryDecode(Encoding.ASCII.GetBytes(stanza.Arguments[1]), out byte[] share)
            || share.Length != AgeRecipient.KeySize
        )
        {
            throw Invalid(number, "its share is not the canonical base64 of 32 bytes");
        }

        return stanza.Body.Length == WrappedKeySize
            ? share
            : throw Invalid(number, $"its body is {stanza.Body.Length} bytes, not {WrappedKeySize}");
    }

    /// <summary>
    /// The file key if <paramref name="identity"/> is the stanza's recipient, else null. A share that gives an all-zero
    /// shared secret is refused outright, as the spec says: it makes the file key known to anyone.
    /// </summary>
    public static byte[]? Unwrap(AgeStanza stanza, byte[] share, int number, AgeIdentity identity)
    {
        byte[] wrapKey;
        using (Key key = identity.ImportKey())
        {
            wrapKey = WrapKey(key, share, share, identity.Recipient.PublicKey)
                ?? throw Invalid(number, "its share is a low-order point (the shared secret is all zero)");
        }

        var fileKey = new byte[AgePayload.FileKeySize];
        try
        {
            using var aead = new ChaCha20Poly1305(wrapKey);
            aead.Decrypt(
                stackalloc byte[AgePayload.SegmentNonceSize],
                stanza.Body.AsSpan(0, AgePayload.FileKeySize),
                stanza.Body.AsSpan(AgePayload.FileKeySize),
                fileKey
            );
            return fileKey;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(wrapKey);
        }
    }

    /// <summary>The wrap key, or null when the shared secret is all zero (libsodium refuses that agreement).</summary>
    private static byte[]? WrapKey(
        Key key,
        ReadOnlySpan<byte> otherPublicKey,
        ReadOnlySpan<byte> share,
        ReadOnlySpan<byte> recipient
    )
    {
        PublicKey other = PublicKey.Import(KeyAgreementAlgorithm.X25519, otherPublicKey, KeyBlobFormat.RawPublicKey);
        using SharedSecret? shared = KeyAgreementAlgorithm.X25519.Agree(key, other);
        if (shared is null)
        {
            return null;
        }

        byte[] salt = [.. share, .. recipient];
        return KeyDerivationAlgorithm.HkdfSha256.DeriveBytes(shared, salt, Info, AgePayload.KeySize);
    }

    private static AgeException Invalid(int number, string problem) =>
        new($"the age header's X25519 stanza {number} is invalid: {problem}");
}
