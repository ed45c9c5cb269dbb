using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Tests.Infrastructure;

namespace BtrfsToS3.Tests.EndToEnd;

/// <summary>
/// The shipped IAM policies, for real: the programs run as a second S3 user that may do only what a bucket policy built
/// from docs/iam-policy.json or docs/iam-policy-restore.json grants it on the test bucket and prefix (Ceph RGW enforces
/// bucket policies for such a user, see <see cref="PolicyUser"/>). What a host does with its policy succeeds; a
/// permission taken away ends the run with exit 78 and a line naming it.
/// </summary>
[TestClass]
public sealed class IamPolicyTests : BtrfsAndS3Test
{
    private const string Prefix = "backup/";
    private const string BackupPolicy = "docs/iam-policy.json";
    private const string RestorePolicy = "docs/iam-policy-restore.json";

    private PolicyUser _user = null!;

    [TestInitialize]
    public void CreateUser() => _user = PolicyUser.Create(_s3);

    [TestCleanup]
    public void RemoveUser() => _user?.Dispose();

    [TestMethod]
    public void BackupPolicy_RunCheckStatusVerifyPrune_AllSucceedAsThatUserAlone()
    {
        string config = Config();
        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(Spooler, "--config", config).Code);
        _user.Allow(BackupPolicy, Prefix, keepPrefixCondition: false);

        (int code, string output) = RunAs("--config", config);
        Assert.AreEqual(ExitCodes.Ok, code, output);
        StringAssert.Contains(output, "published (full");
        (code, output) = RunAs("check", "--config", config);
        Assert.AreEqual(ExitCodes.Ok, code, output);
        Assert.DoesNotContain("DENIED", output);
        Assert.DoesNotContain("UNKNOWN", output);
        StringAssert.Contains(output, "head of a missing key   ok");
        StringAssert.Contains(output, "multipart abort         ok");
        Assert.IsEmpty(_s3.List(Prefix + "btrfs_to_s3-check-"), "check left a probe object");
        Assert.IsEmpty(_s3.MultipartUploads(), "check left a probe upload");
        (code, output) = RunAs("prune", "--dry-run", "--config", config);
        Assert.AreEqual(ExitCodes.Ok, code, output);

        // The listings of status and verify pass the s3:prefix condition (RGW 16 evaluates it for listings).
        _user.Allow(BackupPolicy, Prefix);
        (code, output) = RunAs("verify", "--config", config);
        Assert.AreEqual(ExitCodes.Ok, code, output);
        (code, output) = RunAs("status", "--config", config);
        Assert.AreEqual(ExitCodes.Ok, code, output);
    }

    [TestMethod]
    public void RestorePolicy_RestoreDump_ReadsAndReceivesTheChainAsThatUserAlone()
    {
        string config = Config();
        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(Spooler, "--config", config).Code);
        (int code, string output) = ToolRun.Run(UploaderTool, "--config", config);
        Assert.AreEqual(ExitCodes.Ok, code, output);
        _user.Allow(RestorePolicy, Prefix);

        (code, output) = RunAs("restore", "--config", config, "--subvolume", "data", "--dump");

        Assert.AreEqual(ExitCodes.Ok, code, output);
        StringAssert.Contains(output, "btrfs receive --dump read it whole");
        (code, output) = RunAs("verify", "--config", config);
        Assert.AreEqual(ExitCodes.Ok, code, output);
        (code, output) = RunAs("--config", config);
        Assert.AreEqual(ExitCodes.Config, code, "a restore host cannot back up: " + output);
        StringAssert.Contains(output, "s3:ListBucketMultipartUploads on bucket");
    }

    [TestMethod]
    public void Run_BackupPolicyWithoutListBucket_ReadOfAPointerNotYetWrittenAnswers403AndTheRunExits78()
    {
        // The first read is the pointer's, before any chunk is sent (whose is it?): it does not exist yet, and without
        // s3:ListBucket S3 answers 403 for a missing key instead of 404.
        string config = Config();
        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(Spooler, "--config", config).Code);
        _user.Allow(BackupPolicy, Prefix, without: ["s3:ListBucket"], keepPrefixCondition: false);

        (int code, string output) = RunAs("--config", config);

        Assert.AreEqual(ExitCodes.Config, code, output);
        string line = output.Split('\n').First(l => l.Contains("S3 denied access", StringComparison.Ordinal));
        StringAssert.Contains(line, "get backup/data/pointer.json: S3 denied access (403 AccessDenied)");
        StringAssert.Contains(
            line,
            $"the credentials likely lack s3:GetObject on the object, or s3:ListBucket on bucket {_s3.Bucket}"
        );
        Assert.IsEmpty(_s3.List("backup/data/"), "a chunk was sent before the pointer could be read");
    }

    [TestMethod]
    public void Run_BackupPolicyWithoutGetObject_HeadOfAChunkInS3Answers403AndTheRunExits78()
    {
        // The chunk must be in S3 already, written by another user: RGW lets a user read what it wrote itself (the
        // object's ACL names it owner), whatever the policy; AWS, whose buckets have ACLs disabled by default, does
        // not. And RGW answers a HEAD of a key that does not exist with 404 to a user allowed s3:ListBucket even
        // without s3:GetObject, where AWS checks s3:GetObject first.
        string config = Config();
        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(Spooler, "--config", config).Code);
        using (
            ToolRun killed = ToolRun.Start(
                UploaderTool,
                new Dictionary<string, string> { ["BTRFS_TO_S3_CRASH_AT"] = "uploader-after-verify" },
                "--config",
                config
            )
        )
        {
            Assert.AreEqual(137, killed.WaitForExit(TimeSpan.FromMinutes(2)), killed.Output);
        }

        _user.Allow(BackupPolicy, Prefix, without: ["s3:GetObject"], keepPrefixCondition: false);

        (int code, string output) = RunAs("--config", config);

        Assert.AreEqual(ExitCodes.Config, code, output);
        AssertHeadDenied(output);
    }

    [TestMethod]
    public void Check_BackupPolicyWithoutSomePermissions_PrintsEveryLineNamesEachAndExits78()
    {
        string config = Config();
        _user.Allow(
            BackupPolicy,
            Prefix,
            without: ["s3:ListBucket", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:GetBucketVersioning"],
            keepPrefixCondition: false
        );

        (int code, string output) = RunAs("check", "--config", config);

        Assert.AreEqual(ExitCodes.Config, code, output);
        string[] lines = output.Split('\n');
        StringAssert.Contains(output, "write under prefix      ok");
        StringAssert.Contains(output, "read under prefix       ok");
        AssertLine(lines, "list under prefix       DENIED: ", "the credentials likely lack s3:ListBucket on bucket");
        AssertLine(
            lines,
            "delete under prefix     DENIED: ",
            "the credentials likely lack s3:DeleteObject on the object",
            "the probe object s3://",
            "stays: delete it by hand"
        );
        AssertLine(
            lines,
            "head of a missing key   DENIED: ",
            "S3 denied access (403 Forbidden)",
            "or s3:ListBucket on bucket"
        );
        AssertLine(
            lines,
            "multipart abort         DENIED: ",
            "s3:AbortMultipartUpload on the object",
            "it has no parts: S3 bills nothing for it"
        );
        AssertLine(
            lines,
            "versioning              UNKNOWN (only check reads it): ",
            "s3:GetBucketVersioning on bucket"
        );
        StringAssert.Contains(output, "multipart create        ok");
        StringAssert.Contains(output, "object lock             off");
        StringAssert.Contains(output, "archive-class write     skipped");
    }

    /// <summary>A HEAD refused has no body: S3 says only 403, and the line names both permissions that can cause
    /// it.</summary>
    private void AssertHeadDenied(string output)
    {
        string line = output.Split('\n').First(l => l.Contains("S3 denied access", StringComparison.Ordinal));
        StringAssert.Contains(line, "head backup/data/");
        StringAssert.Contains(line, "/chunk-0000");
        StringAssert.Contains(
            line,
            $"S3 denied access (403 Forbidden) in bucket {_s3.Bucket}: the credentials likely lack s3:GetObject on the object, or s3:ListBucket on bucket {_s3.Bucket}"
        );
    }

    private static void AssertLine(string[] lines, string start, params string[] parts)
    {
        string? line = lines.FirstOrDefault(l => l.StartsWith(start, StringComparison.Ordinal));
        Assert.IsNotNull(line, $"no line starts with \"{start}\":\n{string.Join('\n', lines)}");
        foreach (string part in parts)
        {
            StringAssert.Contains(line, part);
        }
    }

    private (int Code, string Output) RunAs(params string[] arguments)
    {
        using ToolRun run = ToolRun.Start(UploaderTool, _user.Environment, arguments);
        int code = run.WaitForExit(TimeSpan.FromMinutes(3));
        return (code, run.Output);
    }

    private string Config() =>
        _fx.WriteConfig(
            7 * ByteSize.MiB,
            ByteSize.GiB,
            ["data"],
            _s3.ConfigSection(_s3.Endpoint) + "\n[uploader]\nlinger = 0s"
        );
}
