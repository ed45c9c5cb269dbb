using System.Buffers;
using BtrfsToS3.Shared.Crypto;

namespace BtrfsToS3.Tests.Shared.Crypto;

/// <summary>Whole-file encryption and decryption through the streaming classes, for tests of small files.</summary>
internal static class AgeFiles
{
    /// <summary>Piece sizes that cross segment boundaries at every offset: odd, tiny, and larger than a
    /// segment.</summary>
    private static readonly int[] PieceSizes = [1, 7, 4093, 65537, 100_003, 3, 65535];

    /// <summary>Plaintext with no repeating pattern at segment scale, so a misplaced or reordered segment
    /// shows.</summary>
    public static byte[] Plaintext(int size)
    {
        var data = new byte[size];
        new Random(size).NextBytes(data);
        return data;
    }

    public static byte[] Encrypt(ReadOnlySpan<byte> plaintext, params AgeRecipient[] recipients)
    {
        var output = new ArrayBufferWriter<byte>();
        using var encryptor = new AgeEncryptor(recipients);
        for (int piece = 0; !plaintext.IsEmpty; piece++)
        {
            int length = Math.Min(plaintext.Length, PieceSizes[piece % PieceSizes.Length]);
            encryptor.Write(plaintext[..length], output);
            plaintext = plaintext[length..];
        }

        encryptor.Finish(output);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Decrypts reading in odd-sized pieces, as a consumer with its own buffer would.</summary>
    public static byte[] Decrypt(byte[] file, params AgeIdentity[] identities)
    {
        using var decryptor = new AgeDecryptor(new MemoryStream(file), identities);
        using var plaintext = new MemoryStream();
        var buffer = new byte[70_001];
        for (int piece = 0; ; piece++)
        {
            int read = decryptor.Read(buffer, 0, PieceSizes[piece % PieceSizes.Length] % buffer.Length);
            if (read == 0)
            {
                return plaintext.ToArray();
            }

            plaintext.Write(buffer, 0, read);
        }
    }
}
