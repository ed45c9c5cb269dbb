using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Tests.Infrastructure;
using BtrfsToS3.Uploader.Commands;
using BtrfsToS3.Uploader.Repository;

namespace BtrfsToS3.Tests.EndToEnd;

/// <summary>
/// The two-identity set-up of the README ("A host without delete rights") on the real local server: a bucket with
/// Object Lock, the backup host a second RGW user under docs/iam-policy-no-delete.json ([retention] prune_in_run = no),
/// and the identity that prunes a third user under docs/iam-policy-prune.json. Through a full, an incremental and a new
/// full, whatever the host's credentials try against the backup is refused by the server or, an overwrite (a new
/// version of the key), changes nothing a reader reads; the backup restores, and retention under the second identity
/// deletes the old generation only once its lock has run out.
/// </summary>
/// <remarks>
/// The lock is the rule of docs/FORMAT.md with short periods: full_every_days and min_age_days 0 and a lock_margin of
/// seconds, given to the uploader in this process (the configuration counts those periods in days). Runs after the
/// first go through <see cref="ConditionalWriteEmulator"/>: Ceph RGW refuses every If-Match in a versioned bucket, AWS
/// does not. The host's own attempts go through <see cref="GovernanceBypassEmulator"/>: RGW 16 lets any user allowed
/// s3:PutObjectRetention bypass governance mode, AWS only one allowed s3:BypassGovernanceRetention.
/// </remarks>
[TestClass]
public sealed class HostWithoutDeleteRightsTests
{
    private const string Spooler = "btrfs-to-s3-spooler";
    private const string UploaderTool = "btrfs-to-s3-uploader";
    private const string Prefix = "backup/";
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(40);

    private LocalS3 _s3 = null!;
    private BtrfsFixture _fx = null!;
    private PolicyUser _host = null!;
    private PolicyUser _pruner = null!;

    [TestInitialize]
    public void CreateFixtures()
    {
        _s3 = LocalS3.Create(objectLock: true);
        _fx = BtrfsFixture.Create(2);
        _host = PolicyUser.Create(_s3);
        _pruner = PolicyUser.Create(_s3);
        // The run HEADs keys that do not exist yet: see PolicyUser.Allow on RGW 16 and the s3:prefix condition.
        PolicyUser.AllowEach(
            _s3,
            Prefix,
            keepPrefixCondition: false,
            (_host, "docs/iam-policy-no-delete.json"),
            (_pruner, "docs/iam-policy-prune.json")
        );
    }

    [TestCleanup]
    public void RemoveFixtures()
    {
        _pruner?.Dispose();
        _host?.Dispose();
        _fx?.Dispose();
        _s3?.Dispose();
    }

    [TestMethod]
    [DataRow("governance", "GOVERNANCE")]
    [DataRow("compliance", "COMPLIANCE")]
    public void Run_HostWithoutDeleteRights_ItsCredentialsCannotDestroyTheBackupAndPruneDeletesOnlyAfterTheLock(
        string setting,
        string mode
    )
    {
        string config = Config(setting);
        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(Spooler, "--config", config).Code);
        Upload(config, mode);
        File.WriteAllText(Path.Combine(_fx.Subvolume("data"), "later"), "an incremental");
        Thread.Sleep(1100);
        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(Spooler, "--config", config).Code);
        Upload(config, mode);
        Pointer first = Published.ReadPointer(_s3, "data")!;
        Thread.Sleep(1100);
        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(Spooler, "--config", config, "--full").Code);
        Upload(config, mode);

        // The host's run deleted nothing: the old generation stays named until the second identity prunes it.
        Pointer pointer = Published.ReadPointer(_s3, "data")!;
        Assert.HasCount(2, pointer.Generations);
        string oldGeneration = first.CurrentGeneration;
        string manifest = first.Generations.Single().Manifests[0];
        string chunk = Published.ReadManifest(_s3, manifest).Chunks[0].Key;
        int versionsBefore = Versions(ObjectKeys.Generation(Prefix, "data", oldGeneration)).Count;

        // Ceph RGW 16 does not check s3:BypassGovernanceRetention, which AWS does: see GovernanceBypassEmulator.
        using var governance = new GovernanceBypassEmulator();
        using (AmazonS3Client host = LocalS3.CreateClient(_s3.Endpoint, _host.Credentials, governance))
        {
            string chunkVersion = Head(chunk).VersionId;
            string pointerVersion = Head(ObjectKeys.Pointer(Prefix, "data")).VersionId;
            AssertRefused(
                () =>
                    host.DeleteObjectAsync(
                        new DeleteObjectRequest
                        {
                            BucketName = _s3.Bucket,
                            Key = chunk,
                            VersionId = chunkVersion,
                        }
                    ),
                "deleting a chunk version"
            );
            AssertRefused(
                () => host.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _s3.Bucket, Key = chunk }),
                "deleting a chunk"
            );
            AssertRefused(
                () =>
                    host.DeleteObjectsAsync(
                        new DeleteObjectsRequest
                        {
                            BucketName = _s3.Bucket,
                            Objects = [new KeyVersion { Key = manifest }],
                        }
                    ),
                "deleting a manifest",
                perKey: true
            );
            AssertRefused(
                () =>
                    host.DeleteObjectAsync(
                        new DeleteObjectRequest
                        {
                            BucketName = _s3.Bucket,
                            Key = ObjectKeys.Pointer(Prefix, "data"),
                            VersionId = pointerVersion,
                        }
                    ),
                "deleting a pointer version"
            );
            foreach (bool bypass in new[] { false, true })
            {
                AssertRefused(
                    () =>
                        host.PutObjectRetentionAsync(
                            new PutObjectRetentionRequest
                            {
                                BucketName = _s3.Bucket,
                                Key = chunk,
                                VersionId = chunkVersion,
                                BypassGovernanceRetention = bypass,
                                Retention = new ObjectLockRetention
                                {
                                    Mode = ObjectLockRetentionMode.FindValue(mode),
                                    RetainUntilDate = DateTime.UtcNow.AddSeconds(1),
                                },
                            }
                        ),
                    $"shortening a retention{(bypass ? " with the governance bypass" : string.Empty)}"
                );
            }

            // An overwrite is not refused in a versioned bucket: S3 keeps the locked version and makes a new one.
            // Readers read the versions the pointer and manifests name (docs/FORMAT.md), so the backup does not change.
            string currentManifest = pointer.Generations[^1].Manifests[0];
            host.PutObjectAsync(
                    new PutObjectRequest
                    {
                        BucketName = _s3.Bucket,
                        Key = chunk,
                        ContentBody = "ransom note",
                    }
                )
                .GetAwaiter()
                .GetResult();
            host.PutObjectAsync(
                    new PutObjectRequest
                    {
                        BucketName = _s3.Bucket,
                        Key = currentManifest,
                        ContentBody = "{}",
                    }
                )
                .GetAwaiter()
                .GetResult();
            Assert.AreNotEqual(chunkVersion, Head(chunk).VersionId);
        }

        Assert.HasCount(
            versionsBefore + 1,
            Versions(ObjectKeys.Generation(Prefix, "data", oldGeneration)),
            "the host's credentials removed a version"
        );
        Assert.AreEqual(
            mode,
            _s3.Client.GetObjectMetadataAsync(
                    new GetObjectMetadataRequest
                    {
                        BucketName = _s3.Bucket,
                        Key = chunk,
                        VersionId = Published.ReadManifest(_s3, manifest).Chunks[0].Version,
                    }
                )
                .GetAwaiter()
                .GetResult()
                .ObjectLockMode?.Value
        );
        (int code, string output) = ToolRun.Run(
            UploaderTool,
            "restore",
            "--config",
            config,
            "--subvolume",
            "data",
            "--dump",
            "--generation",
            oldGeneration
        );
        Assert.AreEqual(ExitCodes.Ok, code, output);
        Assert.AreEqual(
            2,
            output.Split('\n').Count(l => l.Contains("btrfs receive --dump read it whole", StringComparison.Ordinal)),
            output
        );
        (code, output) = ToolRun.Run(UploaderTool, "restore", "--config", config, "--subvolume", "data", "--dump");
        Assert.AreEqual(ExitCodes.Ok, code, output);
        Assert.AreEqual(ExitCodes.Ok, Verify(config, out output), output);
        StringAssert.Contains(output, "and every object for its Object Lock, 0 problems");

        // The second identity, by its profile: while the lock holds, the old generation stays, named and whole.
        string credentials = _pruner.WriteCredentialsFile(Path.Combine(_fx.Dir, "credentials"), "pruner");
        // Keys in the environment that S3 does not know: were --profile not taken, the prune would be refused.
        var asPruner = new Dictionary<string, string>
        {
            ["AWS_SHARED_CREDENTIALS_FILE"] = credentials,
            ["AWS_ACCESS_KEY_ID"] = "NOSUCHKEY",
            ["AWS_SECRET_ACCESS_KEY"] = "nosuchsecret",
        };
        using (
            ToolRun dryRun = ToolRun.Start(
                UploaderTool,
                asPruner,
                "prune",
                "--dry-run",
                "--profile",
                "pruner",
                "--config",
                config
            )
        )
        {
            code = dryRun.WaitForExit(TimeSpan.FromMinutes(1));
            output = dryRun.Output;
        }

        Assert.AreEqual(ExitCodes.Ok, code, output);
        StringAssert.Contains(
            output,
            $"generation {oldGeneration} is beyond keep_generations but its Object Lock holds it until"
        );
        var log = new RecordingLogger();
        Assert.AreEqual(ExitCodes.Ok, Prune(config, log));
        Assert.IsTrue(
            log.Entries.Any(e => e.Event.Name == "GenerationLocked"),
            string.Join('\n', log.Entries.Select(e => e.Message))
        );
        Assert.HasCount(2, Published.ReadPointer(_s3, "data")!.Generations);
        Assert.HasCount(versionsBefore + 1, Versions(ObjectKeys.Generation(Prefix, "data", oldGeneration)));

        // Once the lock has run out, the same prune deletes every version of the old generation.
        DateTime lockedUntil = Head(manifest).ObjectLockRetainUntilDate!.Value.ToUniversalTime();
        Thread.Sleep(lockedUntil - DateTime.UtcNow + TimeSpan.FromSeconds(2));
        Assert.AreEqual(ExitCodes.Ok, Prune(config, new RecordingLogger()));

        Assert.AreEqual(pointer.CurrentGeneration, Published.ReadPointer(_s3, "data")!.Generations.Single().Generation);
        Assert.IsEmpty(
            Versions(ObjectKeys.Generation(Prefix, "data", oldGeneration)),
            "prune left a version of the old generation"
        );
        (code, output) = ToolRun.Run(UploaderTool, "restore", "--config", config, "--subvolume", "data", "--dump");
        Assert.AreEqual(ExitCodes.Ok, code, output);
    }

    [TestMethod]
    public void Run_NoDeleteRightsKilledAfterTheManifest_RerunAbortsTheLeftoverUploadAndPublishesWithoutDeleting()
    {
        string config = Config("governance");
        File.AppendAllText(config, "\nabort_uploads_older_than = 0s\n");
        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(Spooler, "--config", config).Code);
        (int code, string output) = RunAs(_host, "--config", config);
        Assert.AreEqual(ExitCodes.Ok, code, output);

        File.WriteAllText(Path.Combine(_fx.Subvolume("data"), "later"), "a new full");
        Thread.Sleep(1100);
        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(Spooler, "--config", config, "--full").Code);
        var crashAfterManifest = new Dictionary<string, string>(_host.Environment)
        {
            ["BTRFS_TO_S3_CRASH_AT"] = "uploader-after-manifest",
        };
        using (ToolRun crashing = ToolRun.Start(UploaderTool, crashAfterManifest, "--config", config))
        {
            Assert.AreEqual(137, crashing.WaitForExit(TimeSpan.FromMinutes(2)), crashing.Output);
        }

        // A multipart upload of one of our chunk keys that a killed run left behind.
        Pointer before = Published.ReadPointer(_s3, "data")!;
        using (AmazonS3Client host = LocalS3.CreateClient(_s3.Endpoint, credentials: _host.Credentials))
        {
            string leftover = Published.ReadManifest(_s3, before.Generations[0].Manifests[0]).Chunks[0].Key[..^1] + "9";
            host.InitiateMultipartUploadAsync(_s3.Bucket, leftover).GetAwaiter().GetResult();
        }

        (code, output) = RunAs(_host, "--config", config);

        // The new full's pointer write is an If-Match, which RGW refuses in a versioned bucket (see ObjectLockTests):
        // everything before it, the leftover's abort included, needed no delete. The run that follows has AWS's
        // conditional writes, and finds the manifest the killed run wrote.
        Assert.AreEqual(ExitCodes.Unavailable, code, output);
        Assert.IsEmpty(_s3.MultipartUploads(), output);
        StringAssert.Contains(
            Upload(config, "GOVERNANCE"),
            "was already written by an earlier run (412 on If-None-Match)"
        );
        Pointer pointer = Published.ReadPointer(_s3, "data")!;
        Assert.HasCount(2, pointer.Generations);
        Assert.IsNotNull(
            pointer.Generations[1].VersionOf(0),
            "the pointer names no manifest version in a versioned bucket"
        );
        (code, output) = ToolRun.Run(UploaderTool, "restore", "--config", config, "--subvolume", "data", "--dump");
        Assert.AreEqual(ExitCodes.Ok, code, output);
    }

    private static (int Code, string Output) RunAs(PolicyUser user, params string[] arguments)
    {
        using ToolRun run = ToolRun.Start(UploaderTool, user.Environment, arguments);
        int code = run.WaitForExit(TimeSpan.FromMinutes(2));
        return (code, run.Output);
    }

    private static void AssertRefused(Func<Task> attempt, string what, bool perKey = false)
    {
        try
        {
            attempt().GetAwaiter().GetResult();
            Assert.Fail($"{what}: the server allowed it");
        }
        catch (DeleteObjectsException e) when (perKey)
        {
            Assert.IsTrue(
                e.Response.DeleteErrors.All(d => d.Code == "AccessDenied"),
                $"{what}: {string.Join(", ", e.Response.DeleteErrors.Select(d => d.Code))}"
            );
        }
        catch (AmazonS3Exception e)
        {
            Assert.AreEqual(HttpStatusCode.Forbidden, e.StatusCode, $"{what}: {e.ErrorCode} {e.Message}");
        }
    }

    private GetObjectMetadataResponse Head(string key) =>
        _s3.Client.GetObjectMetadataAsync(_s3.Bucket, key).GetAwaiter().GetResult();

    private List<S3ObjectVersion> Versions(string prefix) =>
        _s3.Client.ListVersionsAsync(new ListVersionsRequest { BucketName = _s3.Bucket, Prefix = prefix })
            .GetAwaiter()
            .GetResult()
            .Versions
        ?? [];

    /// <summary>The uploader's run as the host, in this process, with the lock rule's periods in seconds; returns its
    /// log.</summary>
    private string Upload(string config, string mode)
    {
        var log = new RecordingLogger();
        BackupOptions options = ConfigLoader.Load(config, new Dictionary<string, string>());
        using var aws = new AwsRepository(_s3, options, ShortLocks(mode), _host.Credentials);
        int code = aws.Run(options, log);
        string messages = string.Join('\n', log.Entries.Select(e => e.Message));
        Assert.AreEqual(ExitCodes.Ok, code, messages);
        return messages;
    }

    /// <summary>prune as the second identity, in this process.</summary>
    private int Prune(string config, RecordingLogger log)
    {
        BackupOptions options = ConfigLoader.Load(config, new Dictionary<string, string>());
        using var aws = new AwsRepository(_s3, options, ShortLocks(options.S3.ObjectLock!), _pruner.Credentials);
        return PruneCommand
            .RunAsync(aws.Repository, options, dryRun: false, TimeProvider.System, log, CancellationToken.None)
            .GetAwaiter()
            .GetResult();
    }

    /// <summary>verify, in this process, against the lock rule with the test's periods.</summary>
    private int Verify(string config, out string output)
    {
        BackupOptions options = ConfigLoader.Load(config, new Dictionary<string, string>());
        using var aws = new AwsRepository(_s3, options, ShortLocks(options.S3.ObjectLock!));
        using var writer = new StringWriter();
        int code = VerifyCommand
            .RunAsync(aws.Repository, options.Subvolumes, writer, CancellationToken.None)
            .GetAwaiter()
            .GetResult();
        output = writer.ToString();
        return code;
    }

    /// <summary>The lock rule of docs/FORMAT.md with full_every_days and min_age_days 0 and a margin of
    /// seconds.</summary>
    private static LockPolicy ShortLocks(string mode) =>
        new(mode, FullEveryDays: 0, KeepGenerations: 1, MinAgeDays: 0, Margin, TimeProvider.System);

    private string Config(string objectLock) =>
        _fx.WriteConfig(
            ByteSize.MiB,
            ByteSize.GiB,
            ["data"],
            _s3.ConfigSection(_s3.Endpoint)
                + $"\nobject_lock = {objectLock}\nlock_margin = 1d\n[retention]\nprune_in_run = no\nkeep_generations = 1\nmin_age_days = 0\n[uploader]\nlinger = 0s"
        );
}
