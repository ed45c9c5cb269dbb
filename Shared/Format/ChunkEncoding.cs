namespace BtrfsToS3.Shared.Format;

/// <summary>How large a chunk can become as stored, when it is compressed or encrypted (docs/FORMAT.md, "Chunk
/// encoding").</summary>
internal static class ChunkEncoding
{
    /// <summary>Slack for what does not grow with the stream: the age header (at most <see cref="MaxRecipients"/>
    /// stanzas), nonce and last tag, and the first frame's header.</summary>
    private const long FixedSlack = 64 * 1024;

    /// <summary>age recipients a chunk may have; more would need a header larger than <see cref="FixedSlack"/> allows
    /// for.</summary>
    public const int MaxRecipients = 100;

    /// <summary>The <c>encryption</c> of a stream whose chunks are age files (age-encryption.org/v1).</summary>
    public const string Age = "age";

    /// <summary>The <c>encryption</c> of a stream whose chunks are not encrypted by us.</summary>
    public const string Plain = "none";

    /// <summary>
    /// The most bytes <paramref name="streamBytes"/> of stream take as stored. Plain: as many. Encoded: a zstd frame
    /// never exceeds its content by more than 34 bytes per MiB (a frame that would is written as raw blocks) and age
    /// adds 16 bytes per 64 KiB, together under a 1,024th; the rest is <see cref="FixedSlack"/>.
    /// </summary>
    /// <summary>
    /// A recipient's fingerprint, <c>sha256:</c> and the first 16 hex digits of the SHA-256 of its <c>age1…</c> text:
    /// enough to tell whose key a stream needs, too little to encrypt to (the public key itself stays in the spool).
    /// </summary>
    public static string Fingerprint(string recipient) =>
        "sha256:"
        + Convert.ToHexStringLower(
            System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(recipient))
        )[..16];

    public static long StoredBound(long streamBytes, bool encoded) =>
        encoded ? streamBytes + (streamBytes / 1024) + FixedSlack : streamBytes;
}
