using BtrfsToS3.Shared.Hashing;

namespace BtrfsToS3.Tests.Shared.Hashing;

[TestClass]
public sealed class Crc32CTests
{
    [TestMethod]
    public void OfSeedZero_CheckString_IsTheRawCastagnoliValue() =>
        // 0x58E3FA20 is the SSE4.2 crc32 instruction's result over "123456789" from 0, as the kernel computes it;
        // the standard CRC-32C (seed and result inverted) is 0xE3069283.
        Assert.AreEqual(0x58E3FA20u, Crc32C.OfSeedZero("123456789"u8));

    [TestMethod]
    public void OfSeedZero_RandomData_MatchesABitwiseReference()
    {
        var random = new Random(32);
        foreach (int length in new[] { 0, 1, 3, 15, 16, 17, 63, 64, 65, 255, 4096, 65_537, 1_000_003 })
        {
            byte[] data = new byte[length];
            random.NextBytes(data);

            Assert.AreEqual(Bitwise(data), Crc32C.OfSeedZero(data), $"{length} bytes");
        }
    }

    [TestMethod]
    public void Append_InPieces_IsTheCrcOfTheWhole()
    {
        byte[] data = new byte[100_000];
        new Random(7).NextBytes(data);
        var crc = new System.IO.Hashing.Crc32(Crc32C.SeedZero);

        foreach (int[] piece in new[] { new[] { 0, 10 }, [10, 1], [11, 70_000], [70_011, 29_989] })
        {
            crc.Append(data.AsSpan(piece[0], piece[1]));
        }

        Assert.AreEqual(Crc32C.OfSeedZero(data), crc.GetCurrentHashAsUInt32());
    }

    // The definition, one bit at a time: reflected polynomial 0x82F63B78, register from 0, no inversion.
    private static uint Bitwise(ReadOnlySpan<byte> data)
    {
        uint crc = 0;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
            }
        }

        return crc;
    }
}
