using System.Security.Cryptography;
using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Format;
using BtrfsToS3.Shared.Spool;
using BtrfsToS3.Spooler.Chunking;
using BtrfsToS3.Uploader.Repository;
using BtrfsToS3.Uploader.Upload;
using Microsoft.Extensions.Logging.Abstractions;

namespace BtrfsToS3.Tests.Infrastructure;

/// <summary>
/// A spool of its own holding one stream (its header, no seal) with one ready chunk of random bytes, written by the
/// spooler's own <see cref="ChunkWriter"/>: what the uploader finds after a spooler run, without btrfs. Removed on
/// dispose.
/// </summary>
internal sealed class SpooledChunk : IDisposable
{
    private const string StreamName = "data.20261125T020000Z";

    private readonly TempDirectory _dir = new("spooled");

    private SpooledChunk() { }

    public string Dir => _dir.Path;

    public SpoolStream Stream => new SpoolDirectory(Dir).Stream(StreamName);

    /// <summary>The chunk as the uploader sees it now (its record, the stream's header).</summary>
    public ReadyChunk Chunk => Stream.ReadyChunks().Single();

    public static async Task<SpooledChunk> CreateAsync(long size, long partSize)
    {
        var spooled = new SpooledChunk();
        var spool = new SpoolDirectory(spooled.Dir);
        SpoolStream stream = spool.CreateStream(StreamName);
        stream.WriteHeader(
            new StreamHeader
            {
                FormatVersion = FormatJson.Version,
                Stream = StreamName,
                Subvolume = "data",
                Nested = null,
                NestedPaths = [],
                Kind = StreamKind.Full,
                Source = new SourceRef("0f1e2d3c-0000-4000-8000-000000000001", "5a6b7c8d-0000-4000-8000-000000000002"),
                Snapshot = new SnapshotRef(StreamName, Guid.NewGuid().ToString()),
                Parent = null,
                Generation = "20261125T020000Z",
                ChainPosition = 0,
                ChunkSize = size,
                PartSize = partSize,
                SendCommand = ["btrfs", "send", "/s/" + StreamName],
                CreatedAt = DateTimeOffset.UtcNow,
            }
        );
        var gate = new QuotaGate(
            spool,
            4 * ByteSize.GiB,
            TimeSpan.FromMilliseconds(10),
            TimeProvider.System,
            NullLogger.Instance
        );
        using var source = new MemoryStream(RandomNumberGenerator.GetBytes(checked((int)size)));
        await new ChunkWriter(stream, size, partSize, ChunkCompression.None, [], gate, NullLogger.Instance).WriteAsync(
            source,
            CancellationToken.None
        );
        return spooled;
    }

    /// <summary>
    /// Does by hand what the uploader does before it publishes: puts the chunk at its key, records it uploaded, and
    /// seals the stream, so that what is left is the publish alone. With <paramref name="catalog"/>, the stream's
    /// catalog file holds those bytes and the seal names them.
    /// </summary>
    public async Task UploadAndSealAsync(ChunkStore chunks, BackupRepository repository, byte[]? catalog = null)
    {
        ReadyChunk chunk = Chunk;
        StreamHeader header = Stream.ReadHeader();
        string key = repository.ChunkKey(header, chunk.Record.Name);
        await chunks.PutAsync(key, chunk, _ => { }, CancellationToken.None);
        ChunkRecord record = chunk.Record;
        Stream.MarkUploaded(
            chunk,
            new UploadedRecord(
                FormatJson.Version,
                record.Index,
                record.Name,
                key,
                record.Size,
                record.Sha256,
                record.Etag,
                record.Crc32,
                "DEEP_ARCHIVE",
                DateTimeOffset.UtcNow,
                1,
                0,
                false
            )
        );
        CatalogRecord? catalogRecord = null;
        if (catalog is not null)
        {
            File.WriteAllBytes(Stream.CatalogPath, catalog);
            catalogRecord = new CatalogRecord(catalog.Length, Convert.ToHexStringLower(SHA256.HashData(catalog)), 2);
        }

        Stream.WriteSeal(
            Seal.Of(
                header,
                [record],
                record.Size,
                record.Sha256,
                "btrfs-progs v6.2",
                "6.1.0",
                DateTimeOffset.UtcNow,
                DateTimeOffset.UtcNow,
                catalogRecord
            )
        );
    }

    /// <summary>Flips every bit of one byte of the chunk file, as a failing SSD or a bad cable would.</summary>
    public void FlipByte(long offset)
    {
        using var file = new FileStream(Chunk.DataPath, FileMode.Open, FileAccess.ReadWrite);
        file.Position = offset;
        int b = file.ReadByte();
        file.Position = offset;
        file.WriteByte((byte)~b);
    }

    public void Dispose() => _dir.Dispose();
}
