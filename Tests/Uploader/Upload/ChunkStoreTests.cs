using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Spool;
using BtrfsToS3.Tests.Infrastructure;
using BtrfsToS3.Uploader.Upload;

namespace BtrfsToS3.Tests.Uploader.Upload;

/// <summary>
/// The chunk store's own logic over an in-memory store (what the requests carry on the wire is proven in
/// ChunkUploaderTests against the real server).
/// </summary>
[TestClass]
public sealed class ChunkStoreTests
{
    private const long PartSize = 5 * ByteSize.MiB;

    private readonly MemoryObjectStore _store = new();
    private SpooledChunk _spooled = null!;

    [TestInitialize]
    public async Task SpoolAChunk() => _spooled = await SpooledChunk.CreateAsync((2 * PartSize) + 1, PartSize);

    [TestCleanup]
    public void Remove() => _spooled?.Dispose();

    [TestMethod]
    public async Task AbortUploadsAsync_UploadsOfTheKeyAndOfALongerOne_AbortsOnlyTheKeys()
    {
        ChunkStore chunks = Chunks();
        ReadyChunk chunk = _spooled.Chunk;
        await chunks.StartAsync("backup/chunk-000001", chunk, CancellationToken.None);
        await chunks.StartAsync("backup/chunk-000001", chunk, CancellationToken.None);
        string longer = await chunks.StartAsync("backup/chunk-000001.other", chunk, CancellationToken.None);

        await chunks.AbortUploadsAsync("backup/chunk-000001", CancellationToken.None);

        Assert.AreEqual(longer, _store.Uploads.Single().UploadId);
    }

    [TestMethod]
    public async Task CompleteAsync_PartsSentOutOfOrder_StoresTheChunkWhole()
    {
        ChunkStore chunks = Chunks();
        ReadyChunk chunk = _spooled.Chunk;
        string uploadId = await chunks.StartAsync("backup/chunk-000000", chunk, CancellationToken.None);
        var etags = new string[chunk.Record.PartCount];
        foreach (int number in Enumerable.Range(1, chunk.Record.PartCount).Reverse())
        {
            (etags[number - 1], _) = await chunks.SendPartAsync(
                "backup/chunk-000000",
                uploadId,
                chunk,
                number,
                _ => { },
                CancellationToken.None
            );
        }

        await chunks.CompleteAsync("backup/chunk-000000", uploadId, chunk.Record, etags, CancellationToken.None);

        using var stored = new MemoryStream();
        await _store.ReadAsync(
            "backup/chunk-000000",
            null,
            null,
            (body, ct) => body.CopyToAsync(stored, ct),
            CancellationToken.None
        );
        CollectionAssert.AreEqual(File.ReadAllBytes(chunk.DataPath), stored.ToArray());
        Assert.IsEmpty(_store.Uploads);
    }

    private ChunkStore Chunks() =>
        new(
            _store,
            new S3Options(
                "b-test",
                string.Empty,
                "backup/",
                string.Empty,
                "DEEP_ARCHIVE",
                "STANDARD",
                4,
                PartSize,
                TimeSpan.FromMinutes(1),
                ChecksumsWhenRequiredOnly: true,
                ObjectLock: null,
                LockMargin: TimeSpan.Zero
            ),
            locks: null
        );
}
