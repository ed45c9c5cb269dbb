using System.Buffers.Binary;
using System.IO.Hashing;

namespace BtrfsToS3.Shared.Hashing;

/// <summary>
/// CRC-32 (IEEE 802.3, the polynomial of zlib and S3's CRC32 checksum) written the way S3 writes it in
/// <c>x-amz-checksum-crc32</c>: the four bytes big-endian, base64-encoded (S3 API reference, "Checksum").
/// </summary>
internal static class S3Crc32
{
    public static string Encode(uint crc)
    {
        Span<byte> bytes = stackalloc byte[sizeof(uint)];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, crc);
        return Convert.ToBase64String(bytes);
    }

    public static string Of(ReadOnlySpan<byte> data) => Encode(Crc32.HashToUInt32(data));
}
