using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.S3.Model;
using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Crypto;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Shared.Spool;
using BtrfsToS3.Tests.Infrastructure;
using BtrfsToS3.Uploader.S3;

namespace BtrfsToS3.Tests.EndToEnd;

/// <summary>
/// An intruder with the host's S3 keys writes what they like over the pointer and manifests (docs/SECURITY.md), and a
/// restore runs as root on the machine being rebuilt: each attack ends in exit 65 and one line, with canaries outside
/// the target (a writable subvolume, a directory with a file, an empty directory) and the target itself untouched, and
/// no forged byte received. Against the real programs, real btrfs and the local S3 server.
/// </summary>
[TestClass]
public sealed class HostileBucketTests : BtrfsAndS3Test
{
    private string _config = null!;
    private string _target = null!;
    private string _canaryDirectory = null!;
    private string _canaryEmpty = null!;
    private Pointer _pointer = null!;
    private string _fullKey = null!;

    [TestInitialize]
    public void BackUpAFullAndAnIncremental()
    {
        _config = _fx.WriteConfig(
            4 * ByteSize.MiB,
            ByteSize.GiB,
            ["data", "home"],
            _s3.ConfigSection(_s3.Endpoint) + "\n[uploader]\nlinger = 0s"
        );
        BackUpAChange(_config);
        BackUpAChange(_config);
        _pointer = Published.ReadPointer(_s3, "data")!;
        _fullKey = _pointer.Generations[0].Manifests[0];
        _target = Directory.CreateDirectory(Path.Combine(_fx.Mount, "restored")).FullName;
        _canaryDirectory = Directory.CreateDirectory(Path.Combine(_fx.Mount, "canary")).FullName;
        File.WriteAllText(Path.Combine(_canaryDirectory, "keep.txt"), "keep");
        _canaryEmpty = Directory.CreateDirectory(Path.Combine(_fx.Mount, "canary-empty")).FullName;
    }

    [TestMethod]
    public void Restore_ManifestNamingAnAbsoluteSnapshot_Exits65AndDeletesNothing() =>
        AssertRefused(Forge(_fullKey, m => m["snapshot"]!["name"] = _fx.Subvolume("home")), "snapshot.name");

    [TestMethod]
    public void Restore_ManifestWhoseStreamLeavesTheSpool_Exits65AndWritesNothingThere() =>
        AssertRefused(Forge(_fullKey, m => m["stream"] = "../../canary"), "stream \"../../canary\"");

    [TestMethod]
    public void Restore_ManifestWithANestedPathOutsideTheTarget_Exits65() =>
        AssertRefused(Forge(_fullKey, m => m["nested_paths"] = new JsonArray("../../canary-empty")), "nested_paths[0]");

    [TestMethod]
    public void Restore_UnsignedManifestOfTheRightForm_Exits65NamingIt()
    {
        byte[] body = _s3.Get(_fullKey);
        Put(_fullKey, body, signature: null);

        AssertRefused(_fullKey, "not signed");
    }

    [TestMethod]
    public void Restore_ManifestSignedByAnotherKey_Exits65NamingTheKey()
    {
        using var other = new TempDirectory("intruder");

        using SigningKey intruder = SigningKey.LoadOrCreate(other.Path);
        byte[] body = _s3.Get(_fullKey);
        Put(_fullKey, body, intruder.Sign(body));

        AssertRefused(_fullKey, $"signed by {intruder.PublicKeyText}, which is not trusted");
    }

    [TestMethod]
    public void Restore_ManifestChangedUnderItsSignature_Exits65()
    {
        string signature = Signature(_fullKey);
        string changed = Encoding
            .UTF8.GetString(_s3.Get(_fullKey))
            .Replace("\"kernel_version\": \"", "\"kernel_version\": \"x", StringComparison.Ordinal);
        Put(_fullKey, Encoding.UTF8.GetBytes(changed), signature);

        AssertRefused(_fullKey, "does not match its bytes");
    }

    [TestMethod]
    public void Restore_ForgedPointer_Exits65()
    {
        string key = ObjectKeys.Pointer("backup/", "data");
        Put(key, _s3.Get(key), signature: null);

        AssertRefused(key, "not signed");
    }

    [TestMethod]
    public void Restore_UntrustedCurrentPointerInAVersionedBucket_PassesItOverToTheNewestSignedVersion()
    {
        _s3.Client.PutBucketVersioningAsync(
                new PutBucketVersioningRequest
                {
                    BucketName = _s3.Bucket,
                    VersioningConfig = new S3BucketVersioningConfig { Status = Amazon.S3.VersionStatus.Enabled },
                }
            )
            .GetAwaiter()
            .GetResult();
        File.WriteAllText(Path.Combine(_fx.Subvolume("data"), "later"), "an incremental");
        Thread.Sleep(1100);
        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(Spooler, "--config", _config).Code);
        // The uploader in this process, with AWS's If-Match in versioned buckets, which Ceph RGW 16 refuses.
        BackupOptions options = ConfigLoader.Load(_config, new Dictionary<string, string>());
        using (var aws = new AwsRepository(_s3, options, locks: null))
        {
            Assert.AreEqual(
                ExitCodes.Ok,
                aws.Run(options, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance)
            );
        }

        string key = ObjectKeys.Pointer("backup/", "data");
        Put(key, _s3.Get(key), signature: null);

        (int code, string output) = ToolRun.Run(
            UploaderTool,
            "restore",
            "--config",
            _config,
            "--subvolume",
            "data",
            "--target",
            _target
        );

        Assert.AreEqual(ExitCodes.Ok, code, output);
        StringAssert.Contains(output, "pointer version current");
        StringAssert.Contains(output, "not signed");
        SendStreams.AssertSameTree(_fx.Subvolume("data"), Path.Combine(_target, "data"));
    }

    [TestMethod]
    public void Restore_UnsignedBackupWithAllowUnsigned_Restores()
    {
        foreach (string key in _pointer.Generations[0].Manifests.Append(ObjectKeys.Pointer("backup/", "data")))
        {
            Put(key, _s3.Get(key), signature: null);
        }

        (int code, string output) = ToolRun.Run(
            UploaderTool,
            "restore",
            "--config",
            _config,
            "--subvolume",
            "data",
            "--target",
            _target,
            "--allow-unsigned"
        );

        Assert.AreEqual(ExitCodes.Ok, code, output);
        SendStreams.AssertSameTree(_fx.Subvolume("data"), Path.Combine(_target, "data"));
    }

    [TestMethod]
    public void Restore_OtherHostsKeyTrusted_Restores()
    {
        string ownKey = Path.Combine(_fx.State, SigningKey.FileName);
        string publicKey = SigningKey.TryLoad(_fx.State)!.PublicKeyText;
        File.Move(ownKey, ownKey + ".old");

        (int refused, string output) = ToolRun.Run(
            UploaderTool,
            "restore",
            "--config",
            _config,
            "--subvolume",
            "data",
            "--target",
            _target
        );
        Assert.AreEqual(ExitCodes.DataError, refused, output);
        (int code, string restored) = ToolRun.Run(
            UploaderTool,
            "restore",
            "--config",
            _config,
            "--subvolume",
            "data",
            "--target",
            _target,
            "--trust",
            publicKey
        );

        Assert.AreEqual(ExitCodes.Ok, code, restored);
    }

    [TestMethod]
    public void Restore_UnencryptedStreamWhereRecipientsAreSet_Exits65UnlessAllowed()
    {
        string recipients =
            "\n[encryption]\nrecipients = age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";

        (int code, string output) = ToolRun.Run(
            UploaderTool,
            "restore",
            "--config",
            _config,
            "--subvolume",
            "data",
            "--target",
            _target,
            "--encryption.recipients",
            "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p"
        );

        Assert.AreEqual(ExitCodes.DataError, code, output);
        StringAssert.Contains(output, "is not encrypted, but [encryption] recipients are set");
        Assert.IsEmpty(Directory.GetFileSystemEntries(_target));
        (code, output) = ToolRun.Run(
            UploaderTool,
            "restore",
            "--config",
            _config,
            "--subvolume",
            "data",
            "--target",
            _target,
            "--encryption.recipients",
            recipients.Split('=')[1].Trim(),
            "--allow-unencrypted"
        );
        Assert.AreEqual(ExitCodes.Ok, code, output);
    }

    [TestMethod]
    public void Prune_PointerForgedWithNewerGenerations_Exits65AndDeletesNothing()
    {
        string key = ObjectKeys.Pointer("backup/", "data");
        JsonObject pointer = JsonNode.Parse(_s3.Get(key))!.AsObject();
        pointer["generations"]!
            .AsArray()
            .Add(
                JsonNode.Parse(
                    JsonSerializer.Serialize(
                        new
                        {
                            generation = "20991231T000000Z",
                            manifests = new[]
                            {
                                ObjectKeys.Manifest("backup/", "data", "20991231T000000Z", "data.20991231T000000Z"),
                            },
                        }
                    )
                )
            );
        pointer["current_generation"] = "20991231T000000Z";
        Put(key, Encoding.UTF8.GetBytes(pointer.ToJsonString()), signature: null);
        List<S3Object> before = _s3.List();

        (int code, string output) = ToolRun.Run(
            UploaderTool,
            "prune",
            "--config",
            _config,
            "--retention.keep_generations",
            "1",
            "--retention.min_age_days",
            "0"
        );

        Assert.AreEqual(ExitCodes.DataError, code, output);
        Assert.HasCount(before.Count, _s3.List(), "prune deleted objects on a forged pointer's word");
    }

    [TestMethod]
    public void Restore_PointerOf300MB_IsRefusedByItsLengthInBoundedMemory()
    {
        string key = ObjectKeys.Pointer("backup/", "data");
        byte[] huge = new byte[300 * 1024 * 1024];
        "{\"format_version\": 2, \"x\": \""u8.CopyTo(huge);
        huge.AsSpan(30).Fill((byte)'a');
        Put(key, huge, signature: null);

        (int code, string output, long peakKiB) = RunMeasured(
            "restore",
            "--config",
            _config,
            "--subvolume",
            "data",
            "--target",
            _target
        );

        Assert.AreEqual(ExitCodes.DataError, code, output);
        StringAssert.Contains(output, "more than the 16777216 bytes such an object may have");
        Assert.IsLessThan(256 * 1024, peakKiB, $"peak RSS {peakKiB} KiB");
        Console.WriteLine($"peak RSS of a restore refusing a 300 MB pointer: {peakKiB / 1024} MiB");
    }

    /// <summary>Refused with exit 65 and a line naming the object and <paramref name="expected"/>; nothing around
    /// touched.</summary>
    private void AssertRefused(string key, string expected)
    {
        (int code, string output) = ToolRun.Run(
            UploaderTool,
            "restore",
            "--config",
            _config,
            "--subvolume",
            "data",
            "--target",
            _target
        );

        Assert.AreEqual(ExitCodes.DataError, code, output);
        StringAssert.Contains(output, $"s3://{_s3.Bucket}/{key}");
        StringAssert.Contains(output, expected);
        Assert.IsEmpty(Directory.GetFileSystemEntries(_target), "the target was written to");
        Assert.AreEqual("keep", File.ReadAllText(Path.Combine(_canaryDirectory, "keep.txt")));
        Assert.IsTrue(Directory.Exists(_canaryEmpty), "the empty canary directory was removed");
        Assert.AreEqual(
            "hello\n",
            File.ReadAllText(Path.Combine(_fx.Subvolume("home"), "user/hello.txt")),
            "the writable subvolume home was touched"
        );
        Assert.IsFalse(
            Directory.Exists(Path.Combine(_fx.Spool, "restore"))
                && Directory
                    .EnumerateFileSystemEntries(Path.Combine(_fx.Spool, "restore"), "*", SearchOption.AllDirectories)
                    .Any(),
            "chunks were downloaded"
        );
    }

    /// <summary>The manifest at <paramref name="key"/> changed as <paramref name="change"/> says, written back with its
    /// old signature.</summary>
    private string Forge(string key, Action<JsonObject> change)
    {
        JsonObject manifest = JsonNode.Parse(_s3.Get(key))!.AsObject();
        change(manifest);
        Put(key, Encoding.UTF8.GetBytes(manifest.ToJsonString()), Signature(key));
        return key;
    }

    private string Signature(string key) =>
        _s3.Client.GetObjectMetadataAsync(_s3.Bucket, key).GetAwaiter().GetResult().Metadata[
            ObjectWrite.SignatureMetadata
        ];

    /// <summary>Writes over the key as the intruder would, with the host's own keys.</summary>
    private void Put(string key, byte[] body, string? signature)
    {
        var request = new PutObjectRequest
        {
            BucketName = _s3.Bucket,
            Key = key,
            InputStream = new MemoryStream(body),
            UseChunkEncoding = false,
        };
        if (signature is not null)
        {
            request.Metadata.Add(ObjectWrite.SignatureMetadata, signature);
        }

        _s3.Client.PutObjectAsync(request).GetAwaiter().GetResult();
    }

    /// <summary>Runs the uploader to its end, with its peak resident memory as the kernel counts it for a waited-for
    /// child.</summary>
    private static (int Code, string Output, long PeakKiB) RunMeasured(params string[] arguments)
    {
        var info = new ProcessStartInfo("python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (
            string argument in (string[])
                [
                    "-c",
                    "import resource, subprocess, sys\nr = subprocess.run(sys.argv[1:])\nprint('peak_kib', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\nsys.exit(r.returncode)",
                    "dotnet",
                    Path.Combine(AppContext.BaseDirectory, UploaderTool + ".dll"),
                    .. arguments,
                ]
        )
        {
            info.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(info)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        string peak = errors.Split('\n').Last(l => l.StartsWith("peak_kib ", StringComparison.Ordinal));
        return (
            process.ExitCode,
            output.Result + errors,
            long.Parse(peak["peak_kib ".Length..], System.Globalization.CultureInfo.InvariantCulture)
        );
    }
}
