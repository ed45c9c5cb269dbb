using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace BtrfsToS3.Shared.Crypto;

/// <summary>
/// The age payload's constants and keys (age spec, "Payload"): a 16-byte nonce, then the plaintext in 64 KiB segments,
/// each sealed with ChaCha20-Poly1305 under HKDF-SHA-256(file key, salt = nonce, info = "payload"), with a 12-byte
/// nonce of an 11-byte big-endian counter and a last byte 0x01 on the final segment only. The flag is what makes a
/// truncation at a segment boundary detectable; the counter what makes reordering and dropping detectable.
/// </summary>
internal static class AgePayload
{
    public const int FileKeySize = 16;

    public const int NonceSize = 16;

    public const int SegmentSize = 64 * 1024;

    public const int TagSize = 16;

    /// <summary>A full segment as stored: 64 KiB and its tag.</summary>
    public const int SealedSegmentSize = SegmentSize + TagSize;

    public const int KeySize = 32;

    public const int SegmentNonceSize = 12;

    private static readonly byte[] PayloadInfo = Encoding.ASCII.GetBytes("payload");

    public static byte[] DeriveKey(ReadOnlySpan<byte> fileKey, ReadOnlySpan<byte> nonce)
    {
        var key = new byte[KeySize];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, fileKey, key, nonce, PayloadInfo);
        return key;
    }

    /// <summary>Segment <paramref name="index"/>'s ChaCha20-Poly1305 nonce.</summary>
    public static void SegmentNonce(Span<byte> nonce, long index, bool final)
    {
        nonce.Clear();
        BinaryPrimitives.WriteInt64BigEndian(nonce.Slice(3, sizeof(long)), index);
        nonce[SegmentNonceSize - 1] = final ? (byte)1 : (byte)0;
    }

    /// <summary>The number of segments of a plaintext: an empty one still has its one (empty) final segment.</summary>
    public static long SegmentCount(long plaintextSize) => Math.Max(1, (plaintextSize + SegmentSize - 1) / SegmentSize);
}
