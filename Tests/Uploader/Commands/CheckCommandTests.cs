using Amazon.S3;
using Amazon.S3.Model;
using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Tests.Infrastructure;

namespace BtrfsToS3.Tests.Uploader.Commands;

/// <summary>
/// <c>check</c> as a real process against the local Ceph RGW: what the bucket's lifecycle rules, versioning and Object
/// Lock mean for the prefix, and the probe in the data storage class. The permission lines under a restricted user are
/// in IamPolicyTests.
/// </summary>
[TestClass]
public sealed class CheckCommandTests : BtrfsAndS3Test
{
    protected override int DataMiB => 1;

    [TestMethod]
    public void Check_LifecycleRulesInAVersionedBucket_EachReadForWhatItDoesToThePrefix()
    {
#pragma warning disable CS0618 // A configuration written before filters holds a rule-level Prefix: check must read it.
        LifecycleRule legacy = new()
        {
            Id = "legacy-abort",
            Status = LifecycleRuleStatus.Enabled,
            Prefix = "back",
            AbortIncompleteMultipartUpload = new LifecycleRuleAbortIncompleteMultipartUpload
            {
                DaysAfterInitiation = 5,
            },
        };
#pragma warning restore CS0618
        PutRules(
            legacy,
            Rule("archive-all", new LifecycleFilter { Prefix = "backup/" }, r =>
                r.Transitions = [new LifecycleTransition { Days = 30, StorageClass = S3StorageClass.DeepArchive }]
            ),
            Rule(
                "tagged",
                new LifecycleFilter
                {
                    Tag = new Tag { Key = "tier", Value = "cold" },
                },
                r => r.Transitions = [new LifecycleTransition { Days = 1, StorageClass = S3StorageClass.Glacier }]
            ),
            Rule("elsewhere", new LifecycleFilter { Prefix = "other/" }, r =>
                r.Transitions = [new LifecycleTransition { Days = 1, StorageClass = S3StorageClass.Glacier }]
            ),
            Rule("noncurrent", new LifecycleFilter { Prefix = string.Empty }, r =>
                r.NoncurrentVersionExpiration = new LifecycleRuleNoncurrentVersionExpiration { NoncurrentDays = 1 }
            )
        );
        _s3.Client.PutBucketVersioningAsync(
                new PutBucketVersioningRequest
                {
                    BucketName = _s3.Bucket,
                    VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
                }
            )
            .GetAwaiter()
            .GetResult();

        (int code, string output) = ToolRun.Run(UploaderTool, "check", "--config", Config(_s3));

        Assert.AreEqual(ExitCodes.Ok, code, output);
        StringAssert.Contains(
            output,
            "abort incomplete MPU    ok: rule \"legacy-abort\" aborts incomplete multipart uploads after 5 days"
        );
        StringAssert.Contains(
            output,
            "lifecycle transitions   NOTE: rule \"archive-all\" (prefix \"backup/\") moves objects to DEEP_ARCHIVE after 30 days: not manifests and pointers while they are under 128 KB"
        );
        Assert.DoesNotContain("\"tagged\"", output);
        Assert.DoesNotContain("\"elsewhere\"", output);
        StringAssert.Contains(
            output,
            "versioning              Enabled: retention deletes every version of a generation it drops; rule \"noncurrent\" expires other noncurrent versions after 1 days"
        );
        StringAssert.Contains(output, "object lock             off");
    }

    [TestMethod]
    public void Check_ObjectLockBucket_ReportsTheRetentionAndProbesWithoutLeavingAVersion()
    {
        using LocalS3 locked = LocalS3.Create(objectLock: true);
        locked
            .Client.PutObjectLockConfigurationAsync(
                new PutObjectLockConfigurationRequest
                {
                    BucketName = locked.Bucket,
                    ObjectLockConfiguration = new ObjectLockConfiguration
                    {
                        ObjectLockEnabled = ObjectLockEnabled.Enabled,
                        Rule = new ObjectLockRule
                        {
                            DefaultRetention = new DefaultRetention
                            {
                                Mode = ObjectLockRetentionMode.Governance,
                                Days = 1,
                            },
                        },
                    },
                }
            )
            .GetAwaiter()
            .GetResult();

        (int code, string output) = ToolRun.Run(UploaderTool, "check", "--config", Config(locked));

        Assert.AreEqual(ExitCodes.Ok, code, output);
        StringAssert.Contains(
            output,
            "object lock             on, default retention GOVERNANCE 1 days: S3 keeps every object version at least that long"
        );
        StringAssert.Contains(
            output,
            "versioning              Enabled: retention deletes every version of a generation it drops; NOTE older pointer versions stay"
        );
        StringAssert.Contains(
            output,
            "write under prefix      ok: allowed (a write conditional on an ETag no object has, refused by its condition: nothing written)"
        );
        StringAssert.Contains(output, "read under prefix       ok: allowed (a read of a key that does not exist: 404)");
        StringAssert.Contains(output, "delete under prefix     not tried: the bucket is versioned");
        Assert.AreEqual(
            0,
            locked.Client.ListVersionsAsync(locked.Bucket).GetAwaiter().GetResult().Versions?.Count ?? 0,
            "check left a version or a delete marker"
        );
    }

    [TestMethod]
    public void Check_HostWithoutDeleteRights_TriesNoDeleteAndWritesNothing()
    {
        (int code, string output) = ToolRun.Run(
            UploaderTool,
            "check",
            "--archive-probe",
            "--config",
            Config(_s3),
            "--retention.prune_in_run",
            "no"
        );

        Assert.AreEqual(ExitCodes.Ok, code, output);
        StringAssert.Contains(
            output,
            "retention               not applied here ([retention] prune_in_run = no): this host deletes nothing"
        );
        StringAssert.Contains(
            output,
            "delete under prefix     not tried: [retention] prune_in_run = no: this host deletes nothing"
        );
        StringAssert.Contains(output, "archive-class write     skipped: [retention] prune_in_run = no");
        Assert.IsEmpty(
            _s3.Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _s3.Bucket })
                .GetAwaiter()
                .GetResult()
                .S3Objects
                ?? []
        );
    }

    [TestMethod]
    public void Check_ObjectLockWantedOnABucketWithout_Exits78SayingSo()
    {
        (int code, string output) = ToolRun.Run(
            UploaderTool,
            "check",
            "--config",
            Config(_s3),
            "--s3.object_lock",
            "governance"
        );

        Assert.AreEqual(ExitCodes.Config, code, output);
        StringAssert.Contains(
            output,
            "object lock wanted      governance, each object locked until its generation may go plus lock_margin 30d"
        );
        StringAssert.Contains(
            output,
            "object lock             MISSING: [s3] object_lock = governance, but the bucket has no Object Lock"
        );
    }

    [TestMethod]
    public void Check_WithAndWithoutRecipients_WarnsOrSaysHowToProveTheKey()
    {
        const string Recipient = "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj";

        (int plainCode, string plain) = ToolRun.Run(UploaderTool, "check", "--config", Config(_s3));
        (int encryptedCode, string encrypted) = ToolRun.Run(
            UploaderTool,
            "check",
            "--config",
            Config(_s3),
            "--encryption.recipients",
            Recipient
        );

        Assert.AreEqual(ExitCodes.Ok, plainCode, plain);
        StringAssert.Contains(
            plain,
            "client encryption       warning: off ([encryption] recipients is empty): whoever can read the bucket"
        );
        Assert.AreEqual(ExitCodes.Ok, encryptedCode, encrypted);
        StringAssert.Contains(
            encrypted,
            "client encryption       age to age1zvkyg2lq… (sha256:6a804773982840fa); prove the private key"
        );
        StringAssert.Contains(encrypted, "restore --subvolume NAME --dump --last --identity FILE");
    }

    [TestMethod]
    public void Check_ArchiveProbe_WritesInTheDataClassAndLeavesNothing()
    {
        (int code, string output) = ToolRun.Run(UploaderTool, "check", "--archive-probe", "--config", Config(_s3));

        Assert.AreEqual(ExitCodes.Ok, code, output);
        StringAssert.Contains(output, "archive-class write     ok: written as DEEP_ARCHIVE and deleted");
        StringAssert.Contains(output, "head of a missing key   ok");
        StringAssert.Contains(output, "multipart abort         ok");
        Assert.IsEmpty(_s3.List());
        Assert.IsEmpty(_s3.MultipartUploads());
    }

    [TestMethod]
    public void Check_ShippedLifecycleAfterLock_ReadAsAbortingUploadsAndExpiringNoncurrentVersions()
    {
        // docs/lifecycle-after-lock.json as `aws s3api put-bucket-lifecycle-configuration` takes it, PREFIX filled in.
        using var shipped = System.Text.Json.JsonDocument.Parse(
            File.ReadAllText(SourceTree.File("docs/lifecycle-after-lock.json"))
                .Replace("\"PREFIX\"", "\"backup/\"", StringComparison.Ordinal)
        );
        var rules = new List<LifecycleRule>();
        foreach (System.Text.Json.JsonElement rule in shipped.RootElement.GetProperty("Rules").EnumerateArray())
        {
            System.Text.Json.JsonElement expiration = rule.GetProperty("Expiration");
            rules.Add(
                Rule(
                    rule.GetProperty("ID").GetString()!,
                    new LifecycleFilter { Prefix = rule.GetProperty("Filter").GetProperty("Prefix").GetString() },
                    r =>
                    {
                        r.Expiration = expiration.TryGetProperty("Days", out System.Text.Json.JsonElement days)
                            ? new LifecycleRuleExpiration { Days = days.GetInt32() }
                            : new LifecycleRuleExpiration
                            {
                                ExpiredObjectDeleteMarker = expiration
                                    .GetProperty("ExpiredObjectDeleteMarker")
                                    .GetBoolean(),
                            };
                        if (
                            rule.TryGetProperty(
                                "NoncurrentVersionExpiration",
                                out System.Text.Json.JsonElement noncurrent
                            )
                        )
                        {
                            r.NoncurrentVersionExpiration = new LifecycleRuleNoncurrentVersionExpiration
                            {
                                NoncurrentDays = noncurrent.GetProperty("NoncurrentDays").GetInt32(),
                            };
                        }

                        if (
                            rule.TryGetProperty(
                                "AbortIncompleteMultipartUpload",
                                out System.Text.Json.JsonElement abort
                            )
                        )
                        {
                            r.AbortIncompleteMultipartUpload = new LifecycleRuleAbortIncompleteMultipartUpload
                            {
                                DaysAfterInitiation = abort.GetProperty("DaysAfterInitiation").GetInt32(),
                            };
                        }
                    }
                )
            );
        }

        PutRules([.. rules]);
        _s3.Client.PutBucketVersioningAsync(
                new PutBucketVersioningRequest
                {
                    BucketName = _s3.Bucket,
                    VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
                }
            )
            .GetAwaiter()
            .GetResult();

        (int code, string output) = ToolRun.Run(UploaderTool, "check", "--config", Config(_s3));

        Assert.AreEqual(ExitCodes.Ok, code, output);
        StringAssert.Contains(
            output,
            "abort incomplete MPU    ok: rule \"btrfs-to-s3-retention-after-lock\" aborts incomplete multipart uploads after 7 days"
        );
        StringAssert.Contains(
            output,
            "rule \"btrfs-to-s3-retention-after-lock\" expires other noncurrent versions after 1 days"
        );
    }

    private static LifecycleRule Rule(string id, LifecycleFilter filter, Action<LifecycleRule> action)
    {
        var rule = new LifecycleRule
        {
            Id = id,
            Status = LifecycleRuleStatus.Enabled,
            Filter = filter,
        };
        action(rule);
        return rule;
    }

    private void PutRules(params LifecycleRule[] rules) =>
        _s3
            .Client.PutLifecycleConfigurationAsync(
                new PutLifecycleConfigurationRequest
                {
                    BucketName = _s3.Bucket,
                    Configuration = new LifecycleConfiguration { Rules = [.. rules] },
                }
            )
            .GetAwaiter()
            .GetResult();

    private string Config(LocalS3 s3) =>
        _fx.WriteConfig(
            ByteSize.MiB,
            ByteSize.GiB,
            ["data"],
            s3.ConfigSection(s3.Endpoint) + "\n[uploader]\nlinger = 0s"
        );
}
