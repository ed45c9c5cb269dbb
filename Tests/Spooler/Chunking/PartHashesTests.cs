using System.Security.Cryptography;
using System.Text;
using BtrfsToS3.Shared.Hashing;
using BtrfsToS3.Shared.Spool;
using BtrfsToS3.Spooler.Chunking;

namespace BtrfsToS3.Tests.Spooler.Chunking;

[TestClass]
public sealed class PartHashesTests
{
    private const int PartSize = 1000;

    [TestMethod]
    [DataRow(new[] { 10_000 }, DisplayName = "all at once")]
    [DataRow(new[] { 1 }, DisplayName = "byte by byte")]
    [DataRow(new[] { 999, 2, 998, 1001 }, DisplayName = "pieces ending just before and after part boundaries")]
    [DataRow(new[] { 1000 }, DisplayName = "pieces of exactly one part")]
    [DataRow(new[] { 3, 4096, 7, 0, 2500 }, DisplayName = "uneven pieces, some spanning several parts, one empty")]
    public void Append_InPieces_GivesTheMd5OfEachPartSlice(int[] pieceSizes)
    {
        byte[] data = Pattern(10_500);

        IReadOnlyList<byte[]> md5s = HashInPieces(data, pieceSizes);

        Assert.HasCount(11, md5s);
        for (int part = 0; part < md5s.Count; part++)
        {
            int start = part * PartSize;
            byte[] expected = MD5.HashData(data.AsSpan(start, Math.Min(PartSize, data.Length - start)));
            CollectionAssert.AreEqual(expected, md5s[part], $"part {part}");
        }
    }

    [TestMethod]
    public void Finish_ExactlyOnePart_GivesOneMd5()
    {
        byte[] data = Pattern(PartSize);

        IReadOnlyList<byte[]> md5s = HashInPieces(data, [PartSize]);

        Assert.HasCount(1, md5s);
        CollectionAssert.AreEqual(MD5.HashData(data), md5s[0]);
    }

    [TestMethod]
    public void Finish_ExactlyTwoParts_AddsNoEmptyThirdPart()
    {
        byte[] data = Pattern(2 * PartSize);

        IReadOnlyList<byte[]> md5s = HashInPieces(data, [PartSize * 2]);

        Assert.HasCount(2, md5s);
        CollectionAssert.AreEqual(MD5.HashData(data.AsSpan(PartSize)), md5s[1]);
    }

    [TestMethod]
    public void Finish_OneByteOverAPart_GivesTwoMd5sTheLastOfOneByte()
    {
        byte[] data = Pattern(PartSize + 1);

        IReadOnlyList<byte[]> md5s = HashInPieces(data, [PartSize + 1]);

        Assert.HasCount(2, md5s);
        CollectionAssert.AreEqual(MD5.HashData(data.AsSpan(0, PartSize)), md5s[0]);
        CollectionAssert.AreEqual(MD5.HashData(data.AsSpan(PartSize)), md5s[1]);
    }

    [TestMethod]
    public void Finish_NothingAppended_GivesOneMd5OfNothing()
    {
        using var hashes = new PartHashes(PartSize);

        IReadOnlyList<byte[]> md5s = Md5s(hashes.Finish().Parts);

        // An empty chunk is still one (empty) PUT, whose ETag is the MD5 of no bytes (from `printf '' | md5sum`).
        Assert.HasCount(1, md5s);
        Assert.AreEqual("d41d8cd98f00b204e9800998ecf8427e", Convert.ToHexStringLower(md5s[0]));
    }

    [TestMethod]
    public void Finish_MultipartChunk_GivesTheEtagS3Reports()
    {
        using var hashes = new PartHashes(5);
        hashes.Append(Encoding.ASCII.GetBytes("hello w"));
        hashes.Append(Encoding.ASCII.GetBytes("orld!"));

        string etag = hashes.Finish().Etag;

        // Parts "hello", " worl" and "d!", computed outside .NET with
        // `{ for p in hello ' worl' 'd!'; do printf '%s' "$p" | md5sum | cut -c1-32 | xxd -r -p; done; } | md5sum`
        // and again with python3's hashlib.
        Assert.AreEqual("bf75f3a0356d639886fa9f195803a660-3", etag);
    }

    [TestMethod]
    public void Finish_SinglePartChunk_GivesThePlainMd5AsEtag()
    {
        using var hashes = new PartHashes(PartSize);
        hashes.Append(Encoding.ASCII.GetBytes("The quick brown fox jumps over the lazy dog"));

        string etag = hashes.Finish().Etag;

        // The well-known MD5 of this sentence, as `printf '%s' ... | md5sum` prints it.
        Assert.AreEqual("9e107d9d372bb6826bd81d3542a419d6", etag);
    }

    [TestMethod]
    public void Finish_InPieces_GivesTheCrc32OfEachPartAndOfTheWholeChunk()
    {
        byte[] data = Pattern(2500);
        using var hashes = new PartHashes(PartSize);
        hashes.Append(data.AsSpan(0, 1234));
        hashes.Append(data.AsSpan(1234));

        (IReadOnlyList<PartRecord> parts, _, string crc32) = hashes.Finish();

        Assert.AreEqual(S3Crc32.Of(data), crc32);
        CollectionAssert.AreEqual(
            new[]
            {
                S3Crc32.Of(data.AsSpan(0, 1000)),
                S3Crc32.Of(data.AsSpan(1000, 1000)),
                S3Crc32.Of(data.AsSpan(2000)),
            },
            parts.Select(p => p.Crc32).ToArray()
        );
    }

    [TestMethod]
    public void Finish_CheckValue_IsTheCrc32S3Writes()
    {
        using var hashes = new PartHashes(PartSize);
        hashes.Append(Encoding.ASCII.GetBytes("123456789"));

        // The CRC-32 check value of "123456789" is 0xCBF43926 (the catalogue of CRC parameters, CRC-32/ISO-HDLC, and
        // `python3 -c 'import zlib; print(hex(zlib.crc32(b"123456789")))'`); S3 writes it big-endian in base64.
        Assert.AreEqual(Convert.ToBase64String([0xCB, 0xF4, 0x39, 0x26]), hashes.Finish().Crc32);
    }

    /// <summary>Feeds the data in pieces of the given sizes, cycling through them until all is in.</summary>
    private static IReadOnlyList<byte[]> HashInPieces(byte[] data, int[] pieceSizes)
    {
        using var hashes = new PartHashes(PartSize);
        int offset = 0;
        for (int i = 0; offset < data.Length; i++)
        {
            int take = Math.Min(pieceSizes[i % pieceSizes.Length], data.Length - offset);
            hashes.Append(data.AsSpan(offset, take));
            offset += take;
        }

        return Md5s(hashes.Finish().Parts);
    }

    private static IReadOnlyList<byte[]> Md5s(IReadOnlyList<PartRecord> parts) =>
        [.. parts.Select(p => Convert.FromHexString(p.Md5))];

    /// <summary>Bytes that differ from part to part, so a part hashed with its neighbour's bytes cannot pass.</summary>
    private static byte[] Pattern(int length)
    {
        byte[] data = new byte[length];
        for (int i = 0; i < length; i++)
        {
            data[i] = (byte)((i * 31) + (i / 997));
        }

        return data;
    }
}
