using Amazon.S3;
using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Tests.Infrastructure;
using BtrfsToS3.Uploader.S3;
using Microsoft.Extensions.Logging.Abstractions;

namespace BtrfsToS3.Tests.Uploader.S3;

/// <summary>S3's conditional writes, which the pointer's commit rests on, against the real local server.</summary>
[TestClass]
public sealed class ConditionalWriteTests
{
    private const string Key = "backup/data/pointer.json";
    private static readonly ObjectWrite Metadata = new("STANDARD", "application/json", IfNoneMatch: false);

    private LocalS3 _s3 = null!;

    [TestInitialize]
    public void CreateBucket() => _s3 = LocalS3.Create();

    [TestCleanup]
    public void RemoveBucket() => _s3?.Dispose();

    [TestMethod]
    public async Task PutAsync_IfMatchOnTheETagRead_Writes()
    {
        S3ObjectStore store = Store(_s3.Client);
        await store.PutAsync(Key, "one"u8.ToArray(), Metadata, CancellationToken.None);
        ObjectBody read = (await store.GetWithEtagAsync(Key, CancellationToken.None))!;

        bool written = await store.PutAsync(Key, "two"u8.ToArray(), Metadata with { IfMatch = read.Etag }, CancellationToken.None);

        Assert.IsTrue(written);
        Assert.AreEqual("two", System.Text.Encoding.UTF8.GetString(_s3.Get(Key)));
    }

    [TestMethod]
    public async Task PutAsync_IfMatchOnAnETagSinceReplaced_IsRefusedAndWritesNothing()
    {
        S3ObjectStore store = Store(_s3.Client);
        await store.PutAsync(Key, "one"u8.ToArray(), Metadata, CancellationToken.None);
        ObjectBody read = (await store.GetWithEtagAsync(Key, CancellationToken.None))!;
        await store.PutAsync(Key, "another writer"u8.ToArray(), Metadata, CancellationToken.None);

        bool written = await store.PutAsync(Key, "stale"u8.ToArray(), Metadata with { IfMatch = read.Etag }, CancellationToken.None);

        Assert.IsFalse(written);
        Assert.AreEqual("another writer", System.Text.Encoding.UTF8.GetString(_s3.Get(Key)));
    }

    [TestMethod]
    public async Task PutAsync_IfNoneMatchOnATakenKey_IsRefused()
    {
        S3ObjectStore store = Store(_s3.Client);
        await store.PutAsync(Key, "first"u8.ToArray(), Metadata, CancellationToken.None);

        Assert.IsFalse(await store.PutAsync(Key, "second"u8.ToArray(), Metadata with { IfNoneMatch = true }, CancellationToken.None));
        Assert.AreEqual("first", System.Text.Encoding.UTF8.GetString(_s3.Get(Key)));
    }

    [TestMethod]
    public async Task PutAsync_ConditionalWriteAnswered409_IsRetriedAndWrites()
    {
        var emulator = new ConditionalWriteEmulator();
        using AmazonS3Client client = LocalS3.CreateClient(_s3.Endpoint, emulator);
        S3ObjectStore store = Store(client);
        await store.PutAsync(Key, "one"u8.ToArray(), Metadata, CancellationToken.None);
        ObjectBody read = (await store.GetWithEtagAsync(Key, CancellationToken.None))!;
        emulator.Conflicts = 2;

        bool written = await store.PutAsync(Key, "two"u8.ToArray(), Metadata with { IfMatch = read.Etag }, CancellationToken.None);

        Assert.IsTrue(written);
        Assert.AreEqual(2, emulator.Answered);
        Assert.AreEqual("two", System.Text.Encoding.UTF8.GetString(_s3.Get(Key)));
    }

    private S3ObjectStore Store(IAmazonS3 client) => new(
        client,
        _s3.Bucket,
        new OutageGuard(TimeSpan.FromMinutes(1), _s3.Bucket, new OutageClock(TimeProvider.System), NullLogger.Instance),
        new BandwidthLimiter(BandwidthSchedule.Off, TimeProvider.System, NullLogger.Instance));
}
