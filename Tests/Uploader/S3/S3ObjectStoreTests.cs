using Amazon.S3;
using Amazon.S3.Model;
using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Tests.Infrastructure;
using BtrfsToS3.Uploader.S3;
using Microsoft.Extensions.Logging.Abstractions;

namespace BtrfsToS3.Tests.Uploader.S3;

/// <summary>
/// The store against the real local S3 server: the conditional writes the pointer's commit rests on, and the bucket
/// settings <c>check</c> reads.
/// </summary>
[TestClass]
public sealed class S3ObjectStoreTests
{
    private const string Key = "backup/data/pointer.json";
    private static readonly ObjectWrite Metadata = new("STANDARD", "application/json", IfNoneMatch: false);

    private LocalS3 _s3 = null!;

    [TestInitialize]
    public void SetUp() => _s3 = LocalS3.Create();

    [TestCleanup]
    public void TearDown() => _s3?.Dispose();

    [TestMethod]
    public async Task PutAsync_IfMatchOnTheETagRead_Writes()
    {
        S3ObjectStore store = Store(_s3.Client);
        await store.PutAsync(Key, "one"u8.ToArray(), Metadata, CancellationToken.None);
        ObjectBody read = (await store.GetAsync(Key, null, 1024 * 1024, CancellationToken.None))!;

        bool written =
            await store.PutAsync(Key, "two"u8.ToArray(), Metadata with { IfMatch = read.Etag }, CancellationToken.None)
            is not null;

        Assert.IsTrue(written);
        Assert.AreEqual("two", System.Text.Encoding.UTF8.GetString(_s3.Get(Key)));
    }

    [TestMethod]
    public async Task PutAsync_IfMatchOnAnETagSinceReplaced_IsRefusedAndWritesNothing()
    {
        S3ObjectStore store = Store(_s3.Client);
        await store.PutAsync(Key, "one"u8.ToArray(), Metadata, CancellationToken.None);
        ObjectBody read = (await store.GetAsync(Key, null, 1024 * 1024, CancellationToken.None))!;
        await store.PutAsync(Key, "another writer"u8.ToArray(), Metadata, CancellationToken.None);

        bool written =
            await store.PutAsync(
                Key,
                "stale"u8.ToArray(),
                Metadata with
                {
                    IfMatch = read.Etag,
                },
                CancellationToken.None
            )
            is not null;

        Assert.IsFalse(written);
        Assert.AreEqual("another writer", System.Text.Encoding.UTF8.GetString(_s3.Get(Key)));
    }

    [TestMethod]
    public async Task PutAsync_IfNoneMatchOnATakenKey_IsRefused()
    {
        S3ObjectStore store = Store(_s3.Client);
        await store.PutAsync(Key, "first"u8.ToArray(), Metadata, CancellationToken.None);

        Assert.IsNull(
            await store.PutAsync(
                Key,
                "second"u8.ToArray(),
                Metadata with
                {
                    IfNoneMatch = true,
                },
                CancellationToken.None
            )
        );
        Assert.AreEqual("first", System.Text.Encoding.UTF8.GetString(_s3.Get(Key)));
    }

    [TestMethod]
    public async Task PutAsync_ConditionalWriteAnswered409_IsRetriedAndWrites()
    {
        using var emulator = new ConditionalWriteEmulator();
        using AmazonS3Client client = LocalS3.CreateClient(_s3.Endpoint, emulator);
        S3ObjectStore store = Store(client);
        await store.PutAsync(Key, "one"u8.ToArray(), Metadata, CancellationToken.None);
        ObjectBody read = (await store.GetAsync(Key, null, 1024 * 1024, CancellationToken.None))!;
        emulator.Conflicts = 2;

        bool written =
            await store.PutAsync(Key, "two"u8.ToArray(), Metadata with { IfMatch = read.Etag }, CancellationToken.None)
            is not null;

        Assert.IsTrue(written);
        Assert.AreEqual(2, emulator.Answered);
        Assert.AreEqual("two", System.Text.Encoding.UTF8.GetString(_s3.Get(Key)));
    }

    [TestMethod]
    public async Task LifecycleAsync_AndOfPrefixAndTagAsAwsAnswersIt_ReadsBothAndTheRuleSkipsOurObjects()
    {
        PutTaggedRule();
        using var lifecycleAnd = new LifecycleAndEmulator();
        using AmazonS3Client client = LocalS3.CreateClient(_s3.Endpoint, lifecycleAnd);

        BucketLifecycle lifecycle = await Store(client).LifecycleAsync(CancellationToken.None);

        Assert.IsNull(lifecycle.Problem);
        BucketRule rule = lifecycle.Rules.Single();
        Assert.AreEqual("backup/", rule.Prefix);
        Assert.IsTrue(rule.Tagged);
        Assert.AreEqual("to DEEP_ARCHIVE after 1 days", rule.Transitions.Single().ToString());
        Assert.IsEmpty(lifecycle.TransitionsOver("backup/"));
    }

    [TestMethod]
    public async Task LifecycleAsync_RgwsOwnAnswerForAnAnd_IsAProblemToReportNotAFailure()
    {
        PutTaggedRule();

        BucketLifecycle lifecycle = await Store(_s3.Client).LifecycleAsync(CancellationToken.None);

        StringAssert.StartsWith(lifecycle.Problem, "S3's answer could not be read");
        Assert.IsEmpty(lifecycle.Rules);
    }

    [TestMethod]
    public async Task LifecycleAsync_NoConfiguration_HasNoRules()
    {
        BucketLifecycle lifecycle = await Store(_s3.Client).LifecycleAsync(CancellationToken.None);

        Assert.IsEmpty(lifecycle.Rules);
        Assert.IsNull(lifecycle.Problem);
    }

    /// <summary>An And of a prefix and a tag (S3 refuses AbortIncompleteMultipartUpload in a rule with tags: a
    /// transition).</summary>
    private void PutTaggedRule() =>
        _s3
            .Client.PutLifecycleConfigurationAsync(
                new PutLifecycleConfigurationRequest
                {
                    BucketName = _s3.Bucket,
                    Configuration = new LifecycleConfiguration
                    {
                        Rules =
                        [
                            new LifecycleRule
                            {
                                Id = "tagged",
                                Status = LifecycleRuleStatus.Enabled,
                                Filter = new LifecycleFilter
                                {
                                    And = new LifecycleRuleAndOperator
                                    {
                                        Prefix = "backup/",
                                        Tags = [new Tag { Key = "tier", Value = "cold" }],
                                    },
                                },
                                Transitions =
                                [
                                    new LifecycleTransition { Days = 1, StorageClass = S3StorageClass.DeepArchive },
                                ],
                            },
                        ],
                    },
                }
            )
            .GetAwaiter()
            .GetResult();

    private S3ObjectStore Store(IAmazonS3 client) => LocalS3.Store(client, _s3.Bucket, TimeSpan.FromSeconds(10));
}
