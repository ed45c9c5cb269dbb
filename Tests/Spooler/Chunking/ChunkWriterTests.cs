using System.Security.Cryptography;
using System.Text;
using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Format;
using BtrfsToS3.Shared.Spool;
using BtrfsToS3.Spooler.Chunking;
using BtrfsToS3.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace BtrfsToS3.Tests.Spooler.Chunking;

[TestClass]
public sealed class ChunkWriterTests
{
    private TempDirectory _spool = null!;

    [TestInitialize]
    public void SetUp() => _spool = new TempDirectory("chunks");

    [TestCleanup]
    public void TearDown() => _spool.Dispose();

    [TestMethod]
    public async Task WriteAsync_EmptyStream_WritesNoChunk()
    {
        ChunkedStream result = await Write([], chunkSize: 1024, partSize: 1024);

        Assert.IsEmpty(result.Chunks);
        Assert.AreEqual(0, result.TotalBytes);
        Assert.AreEqual(Convert.ToHexStringLower(SHA256.HashData([])), result.Sha256);
        Assert.IsEmpty(Directory.GetFiles(StreamDir));
    }

    [TestMethod]
    public async Task WriteAsync_OneByte_WritesOneChunkOfOneByte()
    {
        ChunkedStream result = await Write([42], chunkSize: 1024, partSize: 1024);

        Assert.HasCount(1, result.Chunks);
        CollectionAssert.AreEqual(new byte[] { 42 }, File.ReadAllBytes(Path.Combine(StreamDir, "chunk-000000")));
        AssertRecordsMatch([42], result, 1024, 1024);
    }

    [TestMethod]
    [DataRow(1000, 1000, DisplayName = "exactly one chunk")]
    [DataRow(1001, 1000, DisplayName = "one chunk and one byte")]
    [DataRow(999, 1000, DisplayName = "less than a chunk")]
    [DataRow(10_000_000, 1_048_576, DisplayName = "many chunks, blocks cross chunk ends")]
    [DataRow(9_437_184, 3_145_728, DisplayName = "chunks end on block boundaries")]
    public async Task WriteAsync_Sizes_ChunksConcatenateToTheStream(int length, int chunkSize)
    {
        byte[] data = RandomNumberGenerator.GetBytes(length);

        ChunkedStream result = await Write(data, chunkSize, partSize: 1_048_576);

        Assert.HasCount((length + chunkSize - 1) / chunkSize, result.Chunks);
        CollectionAssert.AreEqual(data, Concatenate(result));
        AssertRecordsMatch(data, result, chunkSize, 1_048_576);
    }

    [TestMethod]
    public async Task WriteAsync_MultipartChunk_RecordsTheS3MultipartEtag()
    {
        byte[] data = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 5);

        ChunkedStream result = await Write(data, chunkSize: data.Length, partSize: 1024 * 1024);

        byte[] partMd5s = [.. data.Chunk(1024 * 1024).SelectMany(part => MD5.HashData(part))];
        Assert.AreEqual($"{Convert.ToHexStringLower(MD5.HashData(partMd5s))}-4", result.Chunks[0].Etag);
        Assert.AreEqual(4, result.Chunks[0].PartCount);
    }

    [TestMethod]
    public async Task WriteAsync_ChunkUpToOnePart_RecordsThePlainMd5Etag()
    {
        byte[] data = RandomNumberGenerator.GetBytes(1024 * 1024);

        ChunkedStream result = await Write(data, chunkSize: data.Length, partSize: data.Length);

        Assert.AreEqual(Convert.ToHexStringLower(MD5.HashData(data)), result.Chunks[0].Etag);
    }

    [TestMethod]
    [DataRow("auto", DisplayName = "auto")]
    [DataRow("zstd:3", DisplayName = "zstd:3")]
    public async Task WriteAsync_Compressed_EachChunkDecodesAloneToItsShareAndItsRecordHashesTheStoredBytes(
        string compression
    )
    {
        // Half text, half random: some frames compress, some do not; chunks of 2.5 MiB of stream cut frames short.
        byte[] text = Encoding.ASCII.GetBytes(
            string.Concat(Enumerable.Range(0, 120_000).Select(i => $"line {i % 977} of a log\n"))
        );
        byte[] data = [.. text.Take(3_000_000), .. RandomNumberGenerator.GetBytes(3_000_000)];
        int chunkSize = 2_621_440;

        ChunkedStream result = await Write(
            data,
            chunkSize,
            partSize: 1_048_576,
            ChunkCompression.TryParse(compression)!
        );

        Assert.AreEqual(data.Length, result.TotalBytes);
        Assert.AreEqual(Convert.ToHexStringLower(SHA256.HashData(data)), result.Sha256);
        byte[][] shares = [.. data.Chunk(chunkSize)];
        Assert.HasCount(shares.Length, result.Chunks);
        for (int i = 0; i < shares.Length; i++)
        {
            byte[] stored = File.ReadAllBytes(Path.Combine(StreamDir, result.Chunks[i].Name));
            Assert.AreEqual(stored.Length, result.Chunks[i].Size);
            Assert.AreEqual(shares[i].Length, result.Chunks[i].StreamSize);
            Assert.AreEqual(Convert.ToHexStringLower(SHA256.HashData(stored)), result.Chunks[i].Sha256);
            using var decoded = new MemoryStream();
            using (var zstd = new ZstdSharp.DecompressionStream(new MemoryStream(stored)))
            {
                zstd.CopyTo(decoded);
            }

            CollectionAssert.AreEqual(shares[i], decoded.ToArray(), $"chunk {i}");
            Assert.IsLessThanOrEqualTo(ChunkEncoding.StoredBound(shares[i].Length, encoded: true), stored.Length);
        }

        Assert.IsLessThan(data.Length * 0.7, result.Chunks.Sum(c => c.Size), "the text half compresses");
    }

    [TestMethod]
    public async Task WriteAsync_CompressedTwice_SameChunks()
    {
        byte[] data = Encoding.ASCII.GetBytes(
            string.Concat(Enumerable.Range(0, 200_000).Select(i => $"{i * 7919 % 10007} "))
        );

        ChunkedStream first = await Write(data, 1_000_000, partSize: 1_048_576, ChunkCompression.Automatic);
        Directory.Delete(StreamDir, recursive: true);
        ChunkedStream second = await Write(data, 1_000_000, partSize: 1_048_576, ChunkCompression.Automatic);

        CollectionAssert.AreEqual(first.Chunks.ToArray(), second.Chunks.ToArray());
    }

    private string StreamDir => Path.Combine(_spool.Path, "data.20261125T020000Z");

    private async Task<ChunkedStream> Write(
        byte[] data,
        long chunkSize,
        long partSize,
        ChunkCompression? compression = null
    )
    {
        var spool = new SpoolDirectory(_spool.Path);
        var gate = new QuotaGate(
            spool,
            ByteSize.GiB,
            TimeSpan.FromMilliseconds(10),
            TimeProvider.System,
            NullLogger.Instance
        );
        var writer = new ChunkWriter(
            spool.CreateStream(Path.GetFileName(StreamDir)),
            chunkSize,
            partSize,
            compression ?? ChunkCompression.None,
            [],
            gate,
            NullLogger.Instance
        );
        using var source = new MemoryStream(data);
        return await writer.WriteAsync(source, CancellationToken.None);
    }

    private byte[] Concatenate(ChunkedStream result) =>
        [.. result.Chunks.SelectMany(c => File.ReadAllBytes(Path.Combine(StreamDir, c.Name)))];

    private void AssertRecordsMatch(byte[] data, ChunkedStream result, int chunkSize, long partSize)
    {
        Assert.AreEqual(data.Length, result.TotalBytes);
        Assert.AreEqual(Convert.ToHexStringLower(SHA256.HashData(data)), result.Sha256);
        byte[][] expected = [.. data.Chunk(chunkSize)];
        for (int i = 0; i < expected.Length; i++)
        {
            ChunkRecord onDisk = SpoolFiles.Read(
                Path.Combine(StreamDir, SpoolLayout.RecordName(i)),
                FormatJson.Default.ChunkRecord
            );
            Assert.AreEqual(result.Chunks[i], onDisk);
            Assert.AreEqual(SpoolLayout.ChunkName(i), onDisk.Name);
            Assert.AreEqual(expected[i].Length, onDisk.Size);
            Assert.AreEqual(Convert.ToHexStringLower(SHA256.HashData(expected[i])), onDisk.Sha256);
            Assert.AreEqual(partSize, onDisk.PartSize);
        }

        Assert.IsEmpty(Directory.GetFiles(StreamDir, "*.tmp"));
    }
}
