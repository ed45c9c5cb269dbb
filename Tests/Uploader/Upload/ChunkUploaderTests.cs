using Amazon.Runtime;
using Amazon.S3;
using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.Format;
using BtrfsToS3.Shared.Spool;
using BtrfsToS3.Tests.Infrastructure;
using BtrfsToS3.Uploader.Repository;
using BtrfsToS3.Uploader.S3;
using BtrfsToS3.Uploader.Upload;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace BtrfsToS3.Tests.Uploader.Upload;

/// <summary>
/// One chunk sent to the real local S3 server, through <see cref="ChecksumEmulator"/> where AWS's flexible checksums
/// are the point, and through a <see cref="TcpProxy"/> where the requests on the wire are.
/// </summary>
[TestClass]
public sealed class ChunkUploaderTests
{
    private const long PartSize = 5 * ByteSize.MiB;

    private LocalS3 _s3 = null!;
    private SpooledChunk _spooled = null!;

    [TestInitialize]
    public async Task SetUp()
    {
        _s3 = LocalS3.Create();
        // Three parts, the last shorter.
        _spooled = await SpooledChunk.CreateAsync((2 * PartSize) + 123_456, PartSize);
    }

    [TestCleanup]
    public void TearDown()
    {
        _spooled?.Dispose();
        _s3?.Dispose();
    }

    [TestMethod]
    public async Task UploadAsync_FlexibleChecksums_EveryPartCarriesItsChecksumsAndS3KeepsTheChunksCrc32()
    {
        using var emulator = new ChecksumEmulator();
        ReadyChunk chunk = _spooled.Chunk;
        ChunkRecord record = chunk.Record;

        UploadedRecord uploaded = await Uploader(emulator, whenRequired: false)
            .UploadAsync(chunk, CancellationToken.None);

        Assert.AreEqual(record.Crc32, emulator.StoredCrc32[uploaded.Key]);
        Assert.AreEqual(record.Crc32, uploaded.Crc32);
        string create = emulator.Requests.Single(r =>
            r.StartsWith("POST ", StringComparison.Ordinal) && r.Contains("?uploads", StringComparison.Ordinal)
        );
        StringAssert.Contains(create, "x-amz-checksum-algorithm: CRC32");
        StringAssert.Contains(create, "x-amz-checksum-type: FULL_OBJECT");
        for (int part = 1; part <= 3; part++)
        {
            string put = emulator.Requests.Single(r =>
                r.StartsWith("PUT ", StringComparison.Ordinal)
                && r.Contains($"partNumber={part}&", StringComparison.Ordinal)
            );
            StringAssert.Contains(
                put,
                $"content-md5: {Convert.ToBase64String(Convert.FromHexString(record.Parts[part - 1].Md5))}"
            );
            StringAssert.Contains(put, $"x-amz-checksum-crc32: {record.Parts[part - 1].Crc32}");
        }

        string complete = emulator.Requests.Single(r =>
            r.StartsWith("POST ", StringComparison.Ordinal) && r.Contains("uploadId=", StringComparison.Ordinal)
        );
        StringAssert.Contains(complete, $"x-amz-checksum-crc32: {record.Crc32}");
        Assert.IsFalse(File.Exists(chunk.DataPath));
    }

    [TestMethod]
    public async Task UploadAsync_WhenRequired_SendsContentMd5AndNoCrc32()
    {
        using var emulator = new ChecksumEmulator();

        UploadedRecord uploaded = await Uploader(emulator, whenRequired: true)
            .UploadAsync(_spooled.Chunk, CancellationToken.None);

        Assert.IsFalse(
            emulator.Requests.Any(r => r.Contains("x-amz-checksum-crc32", StringComparison.Ordinal)),
            string.Join("\n", emulator.Requests)
        );
        Assert.AreEqual(
            3,
            emulator.Requests.Count(r =>
                r.StartsWith("PUT ", StringComparison.Ordinal) && r.Contains("content-md5: ", StringComparison.Ordinal)
            )
        );
        Assert.IsTrue(_s3.Exists(uploaded.Key));
    }

    [TestMethod]
    public async Task UploadAsync_SinglePartChunk_IsOnePutWithItsChecksums()
    {
        using SpooledChunk small = await SpooledChunk.CreateAsync(1_000_000, PartSize);
        using var emulator = new ChecksumEmulator();
        ChunkRecord record = small.Chunk.Record;

        UploadedRecord uploaded = await Uploader(emulator, whenRequired: false)
            .UploadAsync(small.Chunk, CancellationToken.None);

        string put = emulator.Requests.Single(r => r.StartsWith("PUT ", StringComparison.Ordinal));
        StringAssert.Contains(
            put,
            $"content-md5: {Convert.ToBase64String(Convert.FromHexString(record.Parts[0].Md5))}"
        );
        StringAssert.Contains(put, $"x-amz-checksum-crc32: {record.Crc32}");
        Assert.AreEqual(record.Crc32, emulator.StoredCrc32[uploaded.Key]);
    }

    [TestMethod]
    public async Task UploadAsync_S3KeepsAnotherCrc32_FailsVerificationAndDeletesTheObject()
    {
        using var emulator = new ChecksumEmulator { ReportedCrc32 = "AAAAAA==" };
        ReadyChunk chunk = _spooled.Chunk;

        BackupFailure failure = await Assert.ThrowsExactlyAsync<BackupFailure>(() =>
            Uploader(emulator, whenRequired: false).UploadAsync(chunk, CancellationToken.None)
        );

        Assert.AreEqual(FailureKind.BadData, failure.Kind);
        StringAssert.Contains(failure.Message, "failed verification");
        StringAssert.Contains(failure.Message, "CRC-32 AAAAAA==");
        Assert.IsEmpty(_s3.List());
        Assert.IsTrue(File.Exists(chunk.DataPath));
    }

    [TestMethod]
    public async Task UploadAsync_ChunkLaterInDeepArchive_HeadKeepsItsCrc32ThroughTheThawAndTheBytesComeBackWhole()
    {
        // AWS's checksums and its archive tiers on one client: a chunk checked on the way in, moved to Deep Archive by
        // a lifecycle rule, then thawed, is still reported with the CRC-32 S3 checked, and reads back as it was sent.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var archive = new ArchiveEmulator(clock, TimeSpan.FromHours(12));
        using var checksums = new ChecksumEmulator();
        ReadyChunk chunk = _spooled.Chunk;
        ChunkRecord record = chunk.Record;
        byte[] sent = File.ReadAllBytes(chunk.DataPath);
        S3ObjectStore store = Store(new DelegatingHandler[] { archive, checksums });
        UploadedRecord uploaded = await UploaderOver(store).UploadAsync(chunk, CancellationToken.None);
        archive.Transition(_s3.Bucket, "backup/", "DEEP_ARCHIVE");

        ObjectHead archived = (await store.HeadAsync(uploaded.Key, null, CancellationToken.None))!;
        await Assert.ThrowsExactlyAsync<ObjectNotThawedException>(() =>
            store.ReadAsync(uploaded.Key, null, null, (_, _) => Task.CompletedTask, CancellationToken.None)
        );
        ThawAnswer thaw = await store.RequestThawAsync(uploaded.Key, null, days: 7, "Bulk", CancellationToken.None);
        clock.Advance(TimeSpan.FromHours(13));
        ObjectHead thawed = (await store.HeadAsync(uploaded.Key, null, CancellationToken.None))!;
        using var body = new MemoryStream();
        await store.ReadAsync(
            uploaded.Key,
            null,
            null,
            (stream, token) => stream.CopyToAsync(body, token),
            CancellationToken.None
        );

        Assert.AreEqual(
            ("DEEP_ARCHIVE", record.Crc32, false, (DateTime?)null),
            (archived.StorageClass, archived.Crc32, archived.ThawOngoing, archived.ThawExpires)
        );
        Assert.AreEqual(ThawAnswer.Thawing, thaw);
        Assert.AreEqual(("DEEP_ARCHIVE", record.Crc32, false), (thawed.StorageClass, thawed.Crc32, thawed.ThawOngoing));
        Assert.IsNotNull(thawed.ThawExpires);
        Assert.AreEqual(record.Crc32, checksums.StoredCrc32[uploaded.Key]);
        CollectionAssert.AreEqual(sent, body.ToArray());
    }

    [TestMethod]
    public async Task UploadAsync_ByteFlippedOnTheSpool_S3RefusesThePartAndTheStreamIsHeld()
    {
        // A byte of part 2 changed after the spooler hashed it: S3 itself refuses the part (Content-MD5, checked by
        // the real server), before any object exists.
        _spooled.FlipByte(PartSize + 4321);
        ReadyChunk chunk = _spooled.Chunk;

        BackupFailure failure = await Assert.ThrowsExactlyAsync<BackupFailure>(() =>
            Uploader(null, whenRequired: true).UploadAsync(chunk, CancellationToken.None)
        );

        Assert.AreEqual(FailureKind.BadData, failure.Kind);
        StringAssert.Contains(
            failure.Message,
            $"chunk {chunk.DataPath}: S3 refused part 2 of 3 (bytes 5242880 to 10485759)"
        );
        StringAssert.Contains(failure.Message, "is held (held.json)");
        Assert.IsEmpty(_s3.List());
        Assert.IsEmpty(_s3.MultipartUploads());
        Assert.IsTrue(chunk.Stream.IsHeld);
        Assert.AreEqual(2, chunk.Stream.ReadHeld().Part);
        Assert.IsNull(chunk.Stream.ReadUpload(0));
        Assert.IsTrue(File.Exists(chunk.DataPath));
    }

    [TestMethod]
    public async Task UploadAsync_UploadRecordOfAnEarlierRun_SendsOnlyThePartsS3DoesNotHold()
    {
        // An earlier run sent parts 1 and 2 but was killed before it recorded part 2: S3's list wins over the record.
        ReadyChunk chunk = _spooled.Chunk;
        (ChunkStore chunks, string key, string uploadId) = await StartUploadAsync(chunk);
        await chunks.SendPartAsync(key, uploadId, chunk, 1, _ => { }, CancellationToken.None);
        await chunks.SendPartAsync(key, uploadId, chunk, 2, _ => { }, CancellationToken.None);
        chunk.Stream.WriteUpload(new UploadRecord(FormatJson.Version, 0, key, uploadId, DateTimeOffset.UtcNow, [1]));
        using var proxy = new TcpProxy(new Uri(_s3.Endpoint));
        string copy = CopyOf(chunk);

        UploadedRecord uploaded = await Uploader(proxy, whenRequired: true).UploadAsync(chunk, CancellationToken.None);

        string[] parts =
        [
            .. proxy.Requests.Where(r => r.StartsWith("PUT ", StringComparison.Ordinal)).Select(r => r.Split(' ')[1]),
        ];
        Assert.HasCount(1, parts, string.Join("\n", parts));
        StringAssert.Contains(parts[0], "partNumber=3");
        CollectionAssert.AreEqual(File.ReadAllBytes(copy), _s3.Get(uploaded.Key));
        Assert.IsNull(chunk.Stream.ReadUpload(0));
    }

    [TestMethod]
    public async Task UploadAsync_UploadS3NoLongerKnows_StartsOverAndAbortsNothingElse()
    {
        ReadyChunk chunk = _spooled.Chunk;
        (_, string key, string uploadId) = await StartUploadAsync(chunk);
        chunk.Stream.WriteUpload(new UploadRecord(FormatJson.Version, 0, key, uploadId, DateTimeOffset.UtcNow, [1, 2]));
        await _s3.Client.AbortMultipartUploadAsync(_s3.Bucket, key, uploadId);

        UploadedRecord uploaded = await Uploader(null, whenRequired: true).UploadAsync(chunk, CancellationToken.None);

        Assert.IsTrue(_s3.Exists(uploaded.Key));
        Assert.IsEmpty(_s3.MultipartUploads());
    }

    [TestMethod]
    public async Task UploadAsync_PartS3HoldsWithAnotherEtag_IsSentAgain()
    {
        ReadyChunk chunk = _spooled.Chunk;
        (_, string key, string uploadId) = await StartUploadAsync(chunk);
        // Part 1 of other bytes (a chunk sent before the spooler started over, say), accepted by S3 with their own MD5.
        string other = Path.Combine(_spooled.Dir, "other");
        byte[] otherBytes = System.Security.Cryptography.RandomNumberGenerator.GetBytes((int)PartSize);
        File.WriteAllBytes(other, otherBytes);
        await Store(null)
            .UploadPartAsync(
                key,
                uploadId,
                new PartWrite(
                    1,
                    other,
                    0,
                    PartSize,
                    Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(otherBytes)),
                    null
                ),
                _ => { },
                CancellationToken.None
            );
        chunk.Stream.WriteUpload(new UploadRecord(FormatJson.Version, 0, key, uploadId, DateTimeOffset.UtcNow, [1]));
        using var proxy = new TcpProxy(new Uri(_s3.Endpoint));

        UploadedRecord uploaded = await Uploader(proxy, whenRequired: true).UploadAsync(chunk, CancellationToken.None);

        Assert.HasCount(3, proxy.Requests.Where(r => r.StartsWith("PUT ", StringComparison.Ordinal)));
        Assert.HasCount((int)chunk.Record.Size, _s3.Get(uploaded.Key));
    }

    [TestMethod]
    public async Task UploadAsync_UnderABandwidthCap_DrawsEveryByteSentOnceAndNoByteTheSdkOnlyHashes()
    {
        // The SDK reads each body once to hash it before it sends it (no chunk encoding): only the sending may draw
        // from the cap, or the link would run at half of it.
        Assert.IsTrue(BandwidthSchedule.TryParse("10Gbit", out BandwidthSchedule? schedule, out _));
        var limiter = new BandwidthLimiter(schedule, TimeProvider.System, NullLogger.Instance);
        ReadyChunk chunk = _spooled.Chunk;

        await Uploader(null, whenRequired: true, limiter).UploadAsync(chunk, CancellationToken.None);

        Assert.AreEqual(chunk.Record.Size, limiter.BytesDrawn);
    }

    /// <summary>A multipart upload of the chunk started straight on the server, as an earlier run would have.</summary>
    private async Task<(ChunkStore Chunks, string Key, string UploadId)> StartUploadAsync(ReadyChunk chunk)
    {
        S3ObjectStore store = Store(null);
        var chunks = new ChunkStore(store, Options(whenRequired: true), locks: null);
        string key = new BackupRepository(store, Options(whenRequired: true)).ChunkKey(chunk.Header, chunk.Record.Name);
        return (chunks, key, await chunks.StartAsync(key, chunk, CancellationToken.None));
    }

    /// <summary>A copy of the chunk file, which the upload deletes.</summary>
    private string CopyOf(ReadyChunk chunk)
    {
        string copy = Path.Combine(_spooled.Dir, "copy");
        File.Copy(chunk.DataPath, copy);
        return copy;
    }

    private ChunkUploader Uploader(object? through, bool whenRequired, BandwidthLimiter? limiter = null) =>
        UploaderOver(Store(through, limiter), whenRequired);

    /// <summary>An uploader over a store the test reads too.</summary>
    private ChunkUploader UploaderOver(S3ObjectStore store, bool whenRequired = false) =>
        new(
            new BackupRepository(store, Options(whenRequired)),
            new ChunkStore(store, Options(whenRequired), locks: null),
            concurrency: 2,
            new SemaphoreSlim(2),
            new ProgressMeter(TimeProvider.System, NullLogger.Instance, TimeSpan.FromMinutes(1)),
            deletes: true,
            TimeProvider.System,
            NullLogger.Instance
        );

    private S3Options Options(bool whenRequired) =>
        new(
            _s3.Bucket,
            string.Empty,
            "backup/",
            _s3.Endpoint,
            "STANDARD",
            "STANDARD",
            2,
            PartSize,
            TimeSpan.FromMinutes(1),
            whenRequired,
            ObjectLock: null,
            LockMargin: TimeSpan.Zero
        );

    /// <param name="through">AWS behaviours over the server (a <see cref="ChecksumEmulator"/>, or several layers), a
    /// <see cref="TcpProxy"/> in front of it, or null for straight.</param>
    private S3ObjectStore Store(object? through, BandwidthLimiter? limiter = null)
    {
        AmazonS3Client client = through switch
        {
            DelegatingHandler layer => LocalS3.CreateClient(_s3.Endpoint, layer),
            DelegatingHandler[] layers => LocalS3.CreateClient(_s3.Endpoint, layers),
            TcpProxy proxy => LocalS3.CreateClient(proxy.Endpoint),
            _ => LocalS3.CreateClient(_s3.Endpoint),
        };
        return LocalS3.Store(client, _s3.Bucket, TimeSpan.FromSeconds(30), limiter);
    }
}
