using Amazon.S3;
using Amazon.S3.Model;
using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.Format;
using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Shared.Spool;
using BtrfsToS3.Tests.Infrastructure;
using BtrfsToS3.Uploader.Repository;
using Microsoft.Extensions.Logging.Abstractions;

namespace BtrfsToS3.Tests.EndToEnd;

/// <summary>
/// [s3] object_lock on a bucket created with Object Lock on the real local server (Ceph RGW keeps per-object retention
/// and refuses to delete a locked version): every object the pointer names is written locked until the date
/// docs/FORMAT.md gives, a locked version cannot be deleted, and the backup restores.
/// </summary>
[TestClass]
public sealed class ObjectLockTests
{
    private const string Spooler = "btrfs-to-s3-spooler";
    private const string UploaderTool = "btrfs-to-s3-uploader";

    private LocalS3 _s3 = null!;
    private BtrfsFixture _fx = null!;

    [TestInitialize]
    public void CreateFixtures()
    {
        _s3 = LocalS3.Create(objectLock: true);
        _fx = BtrfsFixture.Create(2);
    }

    [TestCleanup]
    public void RemoveFixtures()
    {
        _fx?.Dispose();
        _s3?.Dispose();
    }

    [TestMethod]
    [DataRow("governance", "GOVERNANCE")]
    [DataRow("compliance", "COMPLIANCE")]
    public void Run_ObjectLockOn_EveryObjectOfTheChainIsLockedUntilItsGenerationMayGoExtendedWithTheChainAndRestores(
        string setting,
        string mode
    )
    {
        string config = Config(setting);
        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(Spooler, "--config", config).Code);
        (int code, string output) = ToolRun.Run(UploaderTool, "--config", config);
        Assert.AreEqual(ExitCodes.Ok, code, output);
        File.WriteAllText(Path.Combine(_fx.Subvolume("data"), "later"), "an incremental");
        Thread.Sleep(1100);
        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(Spooler, "--config", config).Code);

        // Ceph RGW refuses every If-Match in a versioned bucket, so the pointer's conditional rewrite fails there, said
        // in one line; AWS honours it, which the emulator adds for the run that follows.
        (code, output) = ToolRun.Run(UploaderTool, "--config", config);
        Assert.AreEqual(ExitCodes.Unavailable, code, output);
        StringAssert.Contains(
            output,
            "the S3 server refuses every conditional overwrite (If-Match) although the object still has the ETag named"
        );
        // A longer margin for the incremental: the full's objects are extended to its date, never left shorter.
        Assert.AreEqual(ExitCodes.Ok, UploadInProcess(config, lockMargin: "2d"));

        Pointer pointer = Published.ReadPointer(_s3, "data")!;
        Assert.IsTrue(SnapshotName.TryParse($"x.{pointer.CurrentGeneration}", out _, out DateTimeOffset start));
        // full_every_days 182, min_age_days 180, lock_margin 2d (docs/FORMAT.md, "Object Lock").
        DateTimeOffset expected = start.AddDays(182 + 180 + 2);
        List<string> keys = [ObjectKeys.Pointer("backup/", "data"), .. pointer.Generations.Single().Manifests];
        keys.AddRange(
            pointer
                .Generations.Single()
                .Manifests.SelectMany(m => Published.ReadManifest(_s3, m).Chunks.Select(c => c.Key))
        );
        foreach (string key in keys)
        {
            GetObjectMetadataResponse head = _s3
                .Client.GetObjectMetadataAsync(_s3.Bucket, key)
                .GetAwaiter()
                .GetResult();
            Assert.AreEqual(mode, head.ObjectLockMode?.Value, key);
            Assert.AreEqual(expected.UtcDateTime, head.ObjectLockRetainUntilDate!.Value.ToUniversalTime(), key);
        }

        string chunk = keys[^1];
        string version = _s3.Client.GetObjectMetadataAsync(_s3.Bucket, chunk).GetAwaiter().GetResult().VersionId;
        AmazonS3Exception refused = Assert.ThrowsExactly<AmazonS3Exception>(() =>
            _s3
                .Client.DeleteObjectAsync(
                    new DeleteObjectRequest
                    {
                        BucketName = _s3.Bucket,
                        Key = chunk,
                        VersionId = version,
                    }
                )
                .GetAwaiter()
                .GetResult()
        );
        Assert.AreEqual(System.Net.HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.IsTrue(_s3.Exists(chunk));

        (code, output) = ToolRun.Run(UploaderTool, "restore", "--config", config, "--subvolume", "data", "--dump");
        Assert.AreEqual(ExitCodes.Ok, code, output);
        (code, output) = ToolRun.Run(UploaderTool, "verify", "--config", config);
        Assert.AreEqual(ExitCodes.Ok, code, output);
        StringAssert.Contains(output, "and every object for its Object Lock, 0 problems");
        (code, output) = ToolRun.Run(UploaderTool, "status", "--config", config);
        Assert.AreEqual(ExitCodes.Ok, code, output);
        StringAssert.Contains(
            output,
            $"object lock:      {pointer.CurrentGeneration} {mode} until {expected.UtcDateTime:yyyy-MM-dd HH:mm} UTC"
        );
    }

    [TestMethod]
    public void Verify_ALockShortenedOrAPointerNamingForeignKeys_IsReportedExit65()
    {
        string config = Config("governance");
        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(Spooler, "--config", config).Code);
        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(UploaderTool, "--config", config).Code);
        Pointer pointer = Published.ReadPointer(_s3, "data")!;
        string manifest = pointer.Generations[0].Manifests[0];
        string chunk = Published.ReadManifest(_s3, manifest).Chunks[0].Key;
        // Whoever may bypass governance retention shortens a chunk's lock, and writes a pointer naming a foreign key.
        _s3.Client.PutObjectRetentionAsync(
                new PutObjectRetentionRequest
                {
                    BucketName = _s3.Bucket,
                    Key = chunk,
                    BypassGovernanceRetention = true,
                    Retention = new ObjectLockRetention
                    {
                        Mode = ObjectLockRetentionMode.Governance,
                        RetainUntilDate = DateTime.UtcNow.AddDays(1),
                    },
                }
            )
            .GetAwaiter()
            .GetResult();
        (int code, string output) = ToolRun.Run(UploaderTool, "verify", "--config", config);

        Assert.AreEqual(ExitCodes.DataError, code, output);
        StringAssert.Contains(output, $"BAD {chunk}: locked (GOVERNANCE) only until");
        StringAssert.Contains(output, "1 problem");

        // A pointer naming a key outside its generation is refused whole, at the field, before anything it names is
        // read.
        Pointer tampered = pointer with
        {
            Generations =
            [
                pointer.Generations[0] with
                {
                    Manifests = [manifest, "backup/data/elsewhere/manifest.json"],
                    ManifestVersions = null,
                },
            ],
        };
        _s3.Client.PutObjectAsync(
                new PutObjectRequest
                {
                    BucketName = _s3.Bucket,
                    Key = "backup/data/pointer.json",
                    ContentBody = System.Text.Json.JsonSerializer.Serialize(tampered, FormatJson.Default.Pointer),
                }
            )
            .GetAwaiter()
            .GetResult();

        (code, output) = ToolRun.Run(UploaderTool, "verify", "--config", config);

        Assert.AreEqual(ExitCodes.DataError, code, output);
        StringAssert.Contains(
            output,
            $"s3://{_s3.Bucket}/backup/data/pointer.json: generations[0].manifests[1] \"backup/data/elsewhere/manifest.json\""
        );
    }

    [TestMethod]
    public void Run_ObjectLockWantedOnABucketWithout_Exits78BeforePublishingAnything()
    {
        using LocalS3 plain = LocalS3.Create();
        string config = _fx.WriteConfig(
            ByteSize.MiB,
            ByteSize.GiB,
            ["data"],
            plain.ConfigSection(plain.Endpoint) + "\nobject_lock = governance\n[uploader]\nlinger = 0s"
        );
        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(Spooler, "--config", config).Code);

        (int code, string output) = ToolRun.Run(UploaderTool, "--config", config);

        Assert.AreEqual(ExitCodes.Config, code, output);
        StringAssert.Contains(output, $"[s3] object_lock = governance, but bucket {plain.Bucket} has no Object Lock");
        Assert.IsFalse(plain.Exists("backup/data/pointer.json"));
    }

    [TestMethod]
    public void Restore_AsOfAfterAnIntruderWroteAPointerVersion_PassesItOverAndRestoresTheLastGoodOne()
    {
        string config = Config("governance");
        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(Spooler, "--config", config).Code);
        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(UploaderTool, "--config", config).Code);
        string firstVersion = _s3
            .Client.GetObjectMetadataAsync(_s3.Bucket, "backup/data/pointer.json")
            .GetAwaiter()
            .GetResult()
            .VersionId;
        File.WriteAllText(Path.Combine(_fx.Subvolume("data"), "later"), "an incremental");
        Thread.Sleep(1100);
        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(Spooler, "--config", config).Code);
        Assert.AreEqual(ExitCodes.Ok, UploadInProcess(config, lockMargin: "1d"));
        Pointer good = Published.ReadPointer(_s3, "data")!;
        Thread.Sleep(1100);
        // With the host's credentials an intruder can write a new pointer version, here one naming a manifest of
        // theirs.
        Pointer tampered = good with
        {
            Generations =
            [
                good.Generations[0] with
                {
                    Manifests = [.. good.Generations[0].Manifests.Take(1), "backup/data/evil/manifest.json"],
                },
            ],
        };
        _s3.Client.PutObjectAsync(
                new PutObjectRequest
                {
                    BucketName = _s3.Bucket,
                    Key = "backup/data/pointer.json",
                    ContentBody = System.Text.Json.JsonSerializer.Serialize(tampered, FormatJson.Default.Pointer),
                }
            )
            .GetAwaiter()
            .GetResult();

        (int current, string refused) = ToolRun.Run(
            UploaderTool,
            "restore",
            "--config",
            config,
            "--subvolume",
            "data",
            "--dump"
        );
        (int code, string output) = ToolRun.Run(
            UploaderTool,
            "restore",
            "--config",
            config,
            "--subvolume",
            "data",
            "--dump",
            "--as-of",
            "now"
        );
        (int first, string firstOutput) = ToolRun.Run(
            UploaderTool,
            "restore",
            "--config",
            config,
            "--subvolume",
            "data",
            "--dump",
            "--pointer-version",
            firstVersion
        );

        // The current version is not trusted (a key its names do not make, and no signature): passed over without
        // --as-of too.
        Assert.AreEqual(ExitCodes.Ok, current, refused);
        StringAssert.Contains(refused, "pointer version current, written now, passed over: ");
        StringAssert.Contains(refused, "generations[0].manifests[1] \"backup/data/evil/manifest.json\"");
        Assert.AreEqual(
            2,
            refused.Split('\n').Count(l => l.Contains("btrfs receive --dump read it whole", StringComparison.Ordinal)),
            refused
        );
        Assert.AreEqual(ExitCodes.Ok, code, output);
        StringAssert.Contains(output, "passed over: s3://");
        StringAssert.Contains(output, "restoring from pointer version");
        Assert.AreEqual(
            2,
            output.Split('\n').Count(l => l.Contains("btrfs receive --dump read it whole", StringComparison.Ordinal)),
            output
        );
        Assert.AreEqual(ExitCodes.Ok, first, firstOutput);
        Assert.AreEqual(
            1,
            firstOutput
                .Split('\n')
                .Count(l => l.Contains("btrfs receive --dump read it whole", StringComparison.Ordinal)),
            firstOutput
        );
    }

    /// <summary>The uploader's run, in this process, over the real server with AWS's If-Match in versioned
    /// buckets.</summary>
    private int UploadInProcess(string config, string lockMargin)
    {
        BackupOptions options = ConfigLoader.Load(
            config,
            new Dictionary<string, string> { ["s3:lock_margin"] = lockMargin }
        );
        using var aws = new AwsRepository(_s3, options, LockPolicy.Of(options, TimeProvider.System));
        return aws.Run(options, NullLogger.Instance);
    }

    private string Config(string objectLock) =>
        _fx.WriteConfig(
            ByteSize.MiB,
            ByteSize.GiB,
            ["data"],
            _s3.ConfigSection(_s3.Endpoint) + $"\nobject_lock = {objectLock}\nlock_margin = 1d\n[uploader]\nlinger = 0s"
        );
}
