using System.Text.Json;
using System.Text.RegularExpressions;
using Amazon.S3.Model;
using BtrfsToS3.Tests.Infrastructure;
using BtrfsToS3.Uploader.S3;

namespace BtrfsToS3.Tests.Uploader.S3;

/// <summary>
/// Keeps the permission table, the shipped IAM policies and the S3 calls of the code in step: a call S3ObjectStore
/// makes that the table lacks, or a policy that grants an action too many or too few, fails here.
/// </summary>
[TestClass]
public sealed class S3PermissionsTests
{
    private const string BucketArn = "arn:aws:s3:::BUCKET";
    private const string ObjectsArn = "arn:aws:s3:::BUCKET/PREFIX*";

    [TestMethod]
    public void Table_CallsInS3ObjectStore_AreExactlyTheCallsOfTheTable()
    {
        string source = File.ReadAllText(SourceTree.File("Uploader/S3/S3ObjectStore.cs"));

        HashSet<string> called = [.. Regex.Matches(source, @"\bs3\.(\w+)Async\(").Select(m => m.Groups[1].Value)];

        Assert.IsNotEmpty(called, "the scan found no s3.<Name>Async( call: has S3ObjectStore changed its field name?");
        string[] missing = [.. called.Where(c => S3Permissions.Of(c) is null).Order()];
        Assert.IsEmpty(
            missing,
            $"S3ObjectStore calls {string.Join(", ", missing)}, which Uploader/S3/S3Permissions.cs does not list: add each with its IAM action (S3 user guide, \"Required permissions for Amazon S3 API operations\") and the commands that make it, then the policies in docs/"
        );
        string[] stale = [.. S3Permissions.All.Select(p => p.Call).Where(c => !called.Contains(c)).Order()];
        Assert.IsEmpty(
            stale,
            $"Uploader/S3/S3Permissions.cs lists {string.Join(", ", stale)}, which S3ObjectStore no longer calls"
        );
    }

    [TestMethod]
    public void BackupPolicy_Actions_AreExactlyThoseOfRunCheckStatusVerifyAndPrune() =>
        AssertGrantsExactly("docs/iam-policy.json", S3Permissions.BackupHost);

    [TestMethod]
    public void NoDeletePolicy_Actions_AreExactlyThoseOfRunCheckStatusAndVerifyWithoutRetention() =>
        AssertGrantsExactly("docs/iam-policy-no-delete.json", S3Permissions.NoDeleteHost);

    [TestMethod]
    public void NoDeletePolicy_AHostTakenOver_CanNeitherDeleteNorShortenALock()
    {
        string policy = File.ReadAllText(SourceTree.File("docs/iam-policy-no-delete.json"));

        // s3:PutObjectRetention only lengthens a lock: shortening one in GOVERNANCE mode needs
        // s3:BypassGovernanceRetention besides, and in COMPLIANCE mode nobody can (S3 user guide, "Locking objects with
        // Object Lock").
        foreach (
            string action in new[]
            {
                "s3:DeleteObject",
                "s3:DeleteObjectVersion",
                "s3:BypassGovernanceRetention",
                "s3:PutObjectLegalHold",
                "s3:PutBucketObjectLockConfiguration",
                "s3:PutLifecycleConfiguration",
                "s3:PutBucketPolicy",
                "s3:*",
            }
        )
        {
            Assert.DoesNotContain($"\"{action}\"", policy, action);
        }
    }

    [TestMethod]
    public void PrunePolicy_Actions_AreExactlyThoseOfPrune() =>
        AssertGrantsExactly("docs/iam-policy-prune.json", S3Permissions.PruneIdentity);

    [TestMethod]
    public void RestorePolicy_Actions_AreExactlyThoseOfRestoreStatusAndVerify() =>
        AssertGrantsExactly("docs/iam-policy-restore.json", S3Permissions.RestoreHost);

    [TestMethod]
    public void RestorePolicy_AHostThatOnlyRestores_CanThawButNeitherWriteNorDelete()
    {
        IReadOnlyDictionary<string, S3Resource> actions = S3Permissions.ActionsFor(S3Permissions.RestoreHost);

        CollectionAssert.AreEquivalent(
            new[]
            {
                "s3:GetObject",
                "s3:GetObjectRetention",
                "s3:GetObjectVersion",
                "s3:ListBucket",
                "s3:ListBucketVersions",
                "s3:RestoreObject",
            },
            actions.Keys.ToArray()
        );
    }

    [TestMethod]
    public void Failed_ARecordedCall_IsFoundAgainWithItsAction()
    {
        var exception = new Amazon.S3.AmazonS3Exception("denied");

        S3Permissions.Record(exception, new GetObjectMetadataRequest());

        Assert.AreEqual("s3:GetObject", S3Permissions.Failed(exception)?.Action);
        Assert.IsNull(S3Permissions.Failed(new Amazon.S3.AmazonS3Exception("not recorded")));
    }

    /// <summary>
    /// The policy grants exactly the actions the host's commands need (complete and minimal), each on its kind of
    /// resource (AWS ignores a bucket action granted on objects and the other way round), in Allow statements only; the
    /// only condition is the s3:prefix one on the listings (s3:ListBucket, s3:ListBucketVersions: the actions S3 offers
    /// that condition key for).
    /// </summary>
    private static void AssertGrantsExactly(string policyFile, IReadOnlySet<string> host)
    {
        using JsonDocument policy = JsonDocument.Parse(File.ReadAllText(SourceTree.File(policyFile)));
        Assert.AreEqual("2012-10-17", policy.RootElement.GetProperty("Version").GetString());
        var granted = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (JsonElement statement in policy.RootElement.GetProperty("Statement").EnumerateArray())
        {
            Assert.AreEqual("Allow", statement.GetProperty("Effect").GetString(), policyFile);
            string[] resources = Strings(statement.GetProperty("Resource"));
            string[] actions = Strings(statement.GetProperty("Action"));
            foreach (string action in actions)
            {
                Assert.IsFalse(granted.ContainsKey(action), $"{policyFile}: {action} is granted twice");
                granted[action] = resources;
            }

            if (statement.TryGetProperty("Condition", out JsonElement condition))
            {
                Assert.IsTrue(
                    actions.All(a => a is "s3:ListBucket" or "s3:ListBucketVersions"),
                    $"{policyFile}: only the listings have a condition"
                );
                Assert.AreEqual(
                    "PREFIX*",
                    condition.GetProperty("StringLike").GetProperty("s3:prefix").GetString(),
                    policyFile
                );
            }
        }

        IReadOnlyDictionary<string, S3Resource> needed = S3Permissions.ActionsFor(host);
        string[] lacking = [.. needed.Keys.Where(a => !granted.ContainsKey(a)).Order()];
        string[] extra = [.. granted.Keys.Where(a => !needed.ContainsKey(a)).Order()];
        Assert.IsEmpty(
            lacking,
            $"{policyFile} lacks {string.Join(", ", lacking)}, which {string.Join(", ", host.Order())} need"
        );
        Assert.IsEmpty(
            extra,
            $"{policyFile} grants {string.Join(", ", extra)}, which none of {string.Join(", ", host.Order())} needs"
        );
        foreach ((string action, S3Resource resource) in needed)
        {
            CollectionAssert.AreEqual(
                new[] { resource == S3Resource.Bucket ? BucketArn : ObjectsArn },
                granted[action],
                $"{policyFile}: {action}"
            );
        }
    }

    private static string[] Strings(JsonElement element) =>
        element.ValueKind == JsonValueKind.Array
            ? [.. element.EnumerateArray().Select(e => e.GetString()!)]
            : [element.GetString()!];
}
