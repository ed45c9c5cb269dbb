using System.Text;
using NSec.Cryptography;

namespace BtrfsToS3.Shared.Crypto;

/// <summary>
/// The signature stored beside a pointer or manifest (its S3 user metadata <c>signature</c>), as text: <c>&lt;public
/// key&gt; &lt;signature in base64&gt;</c>, the Ed25519 signature of <see cref="Message"/> of the object's bytes
/// exactly as stored (docs/FORMAT.md, "Signatures").
/// </summary>
internal sealed record ObjectSignature(string PublicKey, byte[] Signature)
{
    /// <summary>What comes before the bytes in the message signed, so that a signature of ours means nothing
    /// elsewhere.</summary>
    public const string Domain = "btrfs_to_s3 signed object v1\n";

    public string Text => $"{PublicKey} {Convert.ToBase64String(Signature)}";

    /// <summary>The bytes signed: <see cref="Domain"/>, then the object's bytes.</summary>
    public static byte[] Message(ReadOnlySpan<byte> body)
    {
        byte[] message = new byte[Domain.Length + body.Length];
        Encoding.ASCII.GetBytes(Domain, message);
        body.CopyTo(message.AsSpan(Domain.Length));
        return message;
    }

    /// <summary>The signature <paramref name="text"/> holds, or null when it is not of that form.</summary>
    public static ObjectSignature? TryParse(string text)
    {
        string[] parts = text.Split(' ');
        if (parts.Length != 2 || SignaturePublicKey.TryParse(parts[0]) is null || parts[1].Length != 88)
        {
            return null;
        }

        try
        {
            byte[] signature = Convert.FromBase64String(parts[1]);
            return signature.Length == 64 ? new ObjectSignature(parts[0], signature) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>Whether the signature is the key's, of exactly these bytes.</summary>
    public bool Verifies(ReadOnlySpan<byte> body) =>
        SignaturePublicKey.TryParse(PublicKey) is { } key
        && SignatureAlgorithm.Ed25519.Verify(key, Message(body), Signature);
}
