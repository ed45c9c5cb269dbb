using Amazon.S3;
using Amazon.S3.Model;
using BtrfsToS3.Uploader.S3;

namespace BtrfsToS3.Tests.Uploader.S3;

/// <summary>
/// Lifecycle rules as S3 writes them (a filter of one condition, an And of several, tags, object sizes, or the legacy
/// rule-level Prefix), read into <see cref="BucketLifecycle"/>, and which of them cover our prefix.
/// </summary>
[TestClass]
public sealed class BucketLifecycleTests
{
    private const string Prefix = "backup/data/";

    [TestMethod]
    [DataRow("", DisplayName = "the whole bucket")]
    [DataRow("backup/", DisplayName = "a prefix of ours")]
    [DataRow("backup/data/", DisplayName = "our prefix")]
    public void AbortRuleFor_PrefixFilterThatIsAPrefixOfOurs_Counts(string rulePrefix)
    {
        BucketLifecycle lifecycle = Read(Abort("r", new LifecyclePrefixPredicate { Prefix = rulePrefix }));

        Assert.AreEqual("r", lifecycle.AbortRuleFor(Prefix)?.Id);
        Assert.AreEqual(7, lifecycle.AbortRuleFor(Prefix)?.AbortUploadsAfterDays);
    }

    [TestMethod]
    [DataRow("backup/data/home/", DisplayName = "a longer prefix: part of our objects")]
    [DataRow("other/", DisplayName = "another prefix")]
    public void AbortRuleFor_PrefixThatDoesNotHoldAllOurs_DoesNotCount(string rulePrefix)
    {
        BucketLifecycle lifecycle = Read(Abort("r", new LifecyclePrefixPredicate { Prefix = rulePrefix }));

        Assert.IsNull(lifecycle.AbortRuleFor(Prefix));
        Assert.AreEqual("r", lifecycle.AbortRulesMissing(Prefix).Single().Id);
    }

    [TestMethod]
    public void AbortRuleFor_AndOfPrefixAndTag_DoesNotCountForWeTagNothing()
    {
        BucketLifecycle lifecycle = Read(
            Abort(
                "tagged",
                new LifecycleAndOperator
                {
                    Operands =
                    [
                        new LifecyclePrefixPredicate { Prefix = "backup/" },
                        new LifecycleTagPredicate
                        {
                            Tag = new Tag { Key = "k", Value = "v" },
                        },
                    ],
                }
            )
        );

        BucketRule rule = lifecycle.Rules.Single();
        Assert.AreEqual("backup/", rule.Prefix);
        Assert.IsTrue(rule.Tagged);
        Assert.IsNull(lifecycle.AbortRuleFor(Prefix));
        StringAssert.Contains(rule.Selection, "tagged objects only, and the uploader tags none");
    }

    [TestMethod]
    public void AbortRuleFor_AndOfPrefixAndObjectSizes_DoesNotCount()
    {
        BucketLifecycle lifecycle = Read(
            Abort(
                "sized",
                new LifecycleAndOperator
                {
                    Operands =
                    [
                        new LifecyclePrefixPredicate { Prefix = "backup/" },
                        new LifecycleObjectSizeGreaterThanPredicate { ObjectSizeGreaterThan = 131072 },
                        new LifecycleObjectSizeLessThanPredicate { ObjectSizeLessThan = 1_000_000 },
                    ],
                }
            )
        );

        BucketRule rule = lifecycle.Rules.Single();
        Assert.AreEqual(131072L, rule.LargerThan);
        Assert.AreEqual(1_000_000L, rule.SmallerThan);
        Assert.IsNull(lifecycle.AbortRuleFor(Prefix));
        Assert.AreEqual(
            "prefix \"backup/\", objects larger than 131072 bytes, objects smaller than 1000000 bytes",
            rule.Selection
        );
    }

    [TestMethod]
    public void AbortRuleFor_TagFilterAlone_DoesNotCount()
    {
        BucketLifecycle lifecycle = Read(
            Abort(
                "tag",
                new LifecycleTagPredicate
                {
                    Tag = new Tag { Key = "k", Value = "v" },
                }
            )
        );

        Assert.IsNull(lifecycle.AbortRuleFor(Prefix));
    }

    [TestMethod]
    public void AbortRuleFor_LegacyRuleLevelPrefixOfOurs_Counts()
    {
        // The rule-level Prefix is deprecated, but configurations written before filters hold it.
#pragma warning disable CS0618
        var rule = new LifecycleRule
        {
            Id = "legacy",
            Status = LifecycleRuleStatus.Enabled,
            Prefix = "back",
            AbortIncompleteMultipartUpload = new LifecycleRuleAbortIncompleteMultipartUpload
            {
                DaysAfterInitiation = 3,
            },
        };
#pragma warning restore CS0618

        BucketLifecycle lifecycle = Read(rule);

        Assert.AreEqual("legacy", lifecycle.AbortRuleFor(Prefix)?.Id);
    }

    [TestMethod]
    public void AbortRuleFor_DisabledRule_DoesNotCount()
    {
        LifecycleRule rule = Abort("off", new LifecyclePrefixPredicate { Prefix = string.Empty });
        rule.Status = LifecycleRuleStatus.Disabled;

        Assert.IsNull(Read(rule).AbortRuleFor(Prefix));
    }

    [TestMethod]
    [DataRow("", true, DisplayName = "the whole bucket")]
    [DataRow("backup/data/home/", true, DisplayName = "part of our objects")]
    [DataRow("other/", false, DisplayName = "another prefix")]
    public void TransitionsOver_RuleWhosePrefixOverlapsOurs_IsReported(string rulePrefix, bool reported)
    {
        BucketLifecycle lifecycle = Read(Transition("archive", new LifecyclePrefixPredicate { Prefix = rulePrefix }));

        Assert.AreEqual(reported, lifecycle.TransitionsOver(Prefix).Any());
    }

    [TestMethod]
    public void TransitionsOver_TaggedRule_IsNotReported()
    {
        BucketLifecycle lifecycle = Read(
            Transition(
                "tag",
                new LifecycleTagPredicate
                {
                    Tag = new Tag { Key = "k", Value = "v" },
                }
            )
        );

        Assert.IsEmpty(lifecycle.TransitionsOver(Prefix));
    }

    [TestMethod]
    public void From_TransitionAndDefaultMinimumSize_AreRead()
    {
        var response = new GetLifecycleConfigurationResponse
        {
            Configuration = new LifecycleConfiguration
            {
                Rules = [Transition("archive", new LifecyclePrefixPredicate { Prefix = string.Empty })],
            },
            TransitionDefaultMinimumObjectSize = TransitionDefaultMinimumObjectSize.VariesByStorageClass,
        };

        BucketLifecycle lifecycle = BucketLifecycleReader.From(response);

        Assert.AreEqual("varies_by_storage_class", lifecycle.TransitionMinimumSize);
        Assert.AreEqual("to DEEP_ARCHIVE after 30 days", lifecycle.Rules.Single().Transitions.Single().ToString());
    }

    [TestMethod]
    public void NoncurrentExpiryFor_RuleCoveringThePrefix_IsFound()
    {
        var rule = new LifecycleRule
        {
            Id = "noncurrent",
            Status = LifecycleRuleStatus.Enabled,
            Filter = new LifecycleFilter
            {
                LifecycleFilterPredicate = new LifecyclePrefixPredicate { Prefix = "backup/" },
            },
            NoncurrentVersionExpiration = new LifecycleRuleNoncurrentVersionExpiration { NoncurrentDays = 1 },
        };

        Assert.AreEqual(1, Read(rule).NoncurrentExpiryFor(Prefix)?.NoncurrentExpiresAfterDays);
    }

    private static BucketLifecycle Read(params LifecycleRule[] rules) =>
        BucketLifecycleReader.From(
            new GetLifecycleConfigurationResponse { Configuration = new LifecycleConfiguration { Rules = [.. rules] } }
        );

    private static LifecycleRule Abort(string id, LifecycleFilterPredicate filter) =>
        new()
        {
            Id = id,
            Status = LifecycleRuleStatus.Enabled,
            Filter = new LifecycleFilter { LifecycleFilterPredicate = filter },
            AbortIncompleteMultipartUpload = new LifecycleRuleAbortIncompleteMultipartUpload
            {
                DaysAfterInitiation = 7,
            },
        };

    private static LifecycleRule Transition(string id, LifecycleFilterPredicate filter) =>
        new()
        {
            Id = id,
            Status = LifecycleRuleStatus.Enabled,
            Filter = new LifecycleFilter { LifecycleFilterPredicate = filter },
            Transitions = [new LifecycleTransition { Days = 30, StorageClass = S3StorageClass.DeepArchive }],
        };
}
