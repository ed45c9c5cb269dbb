using Amazon.S3;
using Amazon.S3.Model;
using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Tests.Infrastructure;
using BtrfsToS3.Uploader.S3;
using Microsoft.Extensions.Logging.Abstractions;

namespace BtrfsToS3.Tests.Uploader.S3;

/// <summary>The bucket settings <c>check</c> reads, from the real local S3 server.</summary>
[TestClass]
public sealed class S3ObjectStoreTests
{
    private LocalS3 _s3 = null!;

    [TestInitialize]
    public void SetUp() => _s3 = LocalS3.Create();

    [TestCleanup]
    public void TearDown() => _s3?.Dispose();

    [TestMethod]
    public async Task LifecycleAsync_AndOfPrefixAndTagAsAwsAnswersIt_ReadsBothAndTheRuleSkipsOurObjects()
    {
        PutTaggedRule();
        using AmazonS3Client client = LocalS3.CreateClient(_s3.Endpoint, new LifecycleAndEmulator());

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

    /// <summary>An And of a prefix and a tag (S3 refuses AbortIncompleteMultipartUpload in a rule with tags: a transition).</summary>
    private void PutTaggedRule() =>
        _s3.Client.PutLifecycleConfigurationAsync(new PutLifecycleConfigurationRequest
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
                        Filter = new LifecycleFilter { And = new LifecycleRuleAndOperator { Prefix = "backup/", Tags = [new Tag { Key = "tier", Value = "cold" }] } },
                        Transitions = [new LifecycleTransition { Days = 1, StorageClass = S3StorageClass.DeepArchive }],
                    },
                ],
            },
        }).GetAwaiter().GetResult();

    private S3ObjectStore Store(IAmazonS3 client) =>
        new(client, _s3.Bucket, new OutageGuard(TimeSpan.FromSeconds(10), _s3.Bucket, new OutageClock(TimeProvider.System), NullLogger.Instance), new BandwidthLimiter(BandwidthSchedule.Off, TimeProvider.System, NullLogger.Instance));
}
