using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using BtrfsToS3.Shared.Format;
using BtrfsToS3.Shared.Spool;
using BtrfsToS3.Spooler.Chunking;
using BtrfsToS3.Tests.Infrastructure;

namespace BtrfsToS3.Tests.Shared.Format;

[TestClass]
public sealed class ZstdFrameWriterTests
{
    private static readonly byte[] Text = Encoding.ASCII.GetBytes(
        string.Concat(Enumerable.Range(0, 150_000).Select(i => $"source line {i % 1201}: x = y + {i % 37};\n"))
    );

    [TestMethod]
    [DataRow("auto")]
    [DataRow("zstd:1")]
    [DataRow("zstd:19")]
    public void Write_TextAndRandom_TheZstdToolDecodesTheFrames(string compression)
    {
        byte[] data = [.. Text, .. RandomNumberGenerator.GetBytes(2_500_000)];
        using var dir = new TempDirectory("frames");
        string file = dir.File("frames.zst");

        File.WriteAllBytes(file, Encode(data, compression, piece: 333_333));

        (int code, _, string error) = Shell.TryRun("zstd", ["-d", "-c", "-q", file], file + ".out");

        Assert.AreEqual(0, code, error);
        CollectionAssert.AreEqual(data, File.ReadAllBytes(file + ".out"));
    }

    [TestMethod]
    public void Write_SameDataInOtherPieces_SameFrames() =>
        CollectionAssert.AreEqual(Encode(Text, "auto", piece: Text.Length), Encode(Text, "auto", piece: 4097));

    [TestMethod]
    public void Write_RandomDataWithAuto_StoredAsRawFramesOfTheContentPlusTheirHeaders()
    {
        byte[] data = RandomNumberGenerator.GetBytes(3 * ChunkCompression.FrameSize);

        byte[] stored = Encode(data, "auto", piece: data.Length);

        // Per frame: 9 header bytes, 3 per 128 KiB block, 4 of checksum; the content as it is.
        Assert.HasCount(data.Length + (3 * (9 + (3 * 8) + 4)), stored);
        CollectionAssert.AreEqual(data[..1000], stored[(9 + 3)..(9 + 3 + 1000)]);
    }

    [TestMethod]
    public void Write_TextWithAuto_Compresses() =>
        Assert.IsLessThan(Text.Length / 5, Encode(Text, "auto", piece: Text.Length).Length);

    private static byte[] Encode(byte[] data, string compression, int piece)
    {
        var output = new ArrayBufferWriter<byte>();
        using var frames = new ZstdFrameWriter(ChunkCompression.TryParse(compression)!);
        foreach (byte[] part in data.Chunk(piece))
        {
            frames.Write(part, output);
        }

        frames.Finish(output);
        return output.WrittenSpan.ToArray();
    }
}
