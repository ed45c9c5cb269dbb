using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Tests.Infrastructure;

namespace BtrfsToS3.Tests.Shared.Configuration;

[TestClass]
public sealed class ConfigLoaderTests
{
    private const string Valid = """
        [subvolumes]
        data = /srv/data/data
        root = /srv/data/root
        [snapshots]
        dir = /srv/data/.btrfs_to_s3
        """;

    private TempDirectory _dir = null!;

    [TestInitialize]
    public void SetUp() => _dir = new TempDirectory("config");

    [TestCleanup]
    public void TearDown() => _dir.Dispose();

    [TestMethod]
    public void Load_MinimalFile_AppliesDocumentedDefaults()
    {
        BackupOptions options = ConfigLoader.Load(Write(Valid), new Dictionary<string, string>());

        Assert.HasCount(2, options.Subvolumes);
        Assert.AreEqual(new SubvolumeOptions("data", "/srv/data/data"), options.Subvolumes[0]);
        Assert.AreEqual(LocalRetention.Minimal, options.Snapshots.Retention);
        Assert.AreEqual(450 * ByteSize.GiB, options.Spool.Quota);
        Assert.AreEqual(200 * ByteSize.GiB, options.Spool.ChunkSize);
        Assert.AreEqual("/var/lib/btrfs_to_s3", options.State.Dir);
        Assert.AreEqual(182, options.Schedule.FullEveryDays);
        Assert.AreEqual("DEEP_ARCHIVE", options.S3.StorageClassData);
        Assert.AreEqual("STANDARD", options.S3.StorageClassMetadata);
        Assert.AreEqual(16, options.S3.Concurrency);
        Assert.AreEqual(64 * ByteSize.MiB, options.S3.PartSize);
        Assert.AreEqual("backup/data/", options.S3.Prefix);
        Assert.AreEqual(1, options.Retention.KeepGenerations);
    }

    [TestMethod]
    public void Load_CommandLineOverride_WinsOverFile()
    {
        var overrides = new Dictionary<string, string>
        {
            ["spool:quota"] = "500GiB",
            ["snapshots:retention"] = "keep_last:3",
        };

        BackupOptions options = ConfigLoader.Load(Write(Valid), overrides);

        Assert.AreEqual(500 * ByteSize.GiB, options.Spool.Quota);
        Assert.AreEqual(new LocalRetention(3), options.Snapshots.Retention);
    }

    [TestMethod]
    [DataRow("[spool]\nquota = 10XB", "[spool] quota: \"10XB\" is not a size")]
    [DataRow(
        "[spool]\nquota = 100GiB\nchunk_size = 200GiB",
        "[spool] quota: 100GiB is smaller than one chunk (chunk_size = 200GiB, up to "
    )]
    [DataRow("[spool]\nquota = 1GiB\nquota = 2GiB", "duplicate key")]
    [DataRow("[spool]\nchunk_size = 0", "[spool] chunk_size: 0 is out of range")]
    [DataRow("[spool]\nchunk_size = 6TiB", "[spool] chunk_size: 6TiB is out of range: it must be from 1 bytes to 5TiB")]
    [DataRow("[spool]\ncolour = blue", "[spool] colour: unknown key")]
    [DataRow("[spooler]\ndir = /x", "unknown section [spooler]")]
    [DataRow("[spool]\ndir = relative/path", "[spool] dir: \"relative/path\" is not an absolute path")]
    [DataRow("[spool]\ndir = /var/spool ; the SSD", "holds an inline comment")]
    [DataRow(
        "[s3]\nstorage_class_data = DEEPER_ARCHIVE",
        "[s3] storage_class_data: \"DEEPER_ARCHIVE\" is not an S3 storage class"
    )]
    [DataRow("[s3]\npart_size = 1MiB", "[s3] part_size: 1MiB is out of range: it must be from 5MiB to 5GiB")]
    [DataRow("[s3]\nconcurrency = many", "[s3] concurrency: \"many\" is not a whole number")]
    [DataRow("[s3]\nconcurrency = 0", "[s3] concurrency: 0 is out of range")]
    [DataRow("[s3]\nprefix = /backup", "[s3] prefix: \"/backup\" is not a key prefix")]
    [DataRow("[s3]\nbucket = Not_A_Bucket", "[s3] bucket: \"Not_A_Bucket\" is not a valid bucket name")]
    [DataRow("[s3]\nendpoint = ftp://x", "[s3] endpoint: \"ftp://x\" is not an http:// or https:// URL")]
    [DataRow("[schedule]\nfull_every_days = -1", "[schedule] full_every_days: \"-1\" is not a whole number")]
    [DataRow("[snapshots]\nretention = keep_all", "[snapshots] retention: \"keep_all\" is not a retention")]
    [DataRow("[retention]\nkeep_generations = 0", "[retention] keep_generations: 0 is out of range")]
    [DataRow("[subvolumes]\nmy.data = /srv/x", "[subvolumes] my.data: a subvolume name takes letters")]
    [DataRow("not an ini line", "cannot be read")]
    public void Load_BadValue_FailsWithConfigErrorNamingFileAndKey(string append, string expected)
    {
        string file = Write(Valid + "\n" + append);

        BackupFailure failure = Assert.ThrowsExactly<BackupFailure>(() =>
            ConfigLoader.Load(file, new Dictionary<string, string>())
        );

        Assert.AreEqual(FailureKind.Config, failure.Kind);
        Assert.AreEqual(ExitCodes.Config, ExitCodes.For(failure));
        StringAssert.StartsWith(failure.Message, $"configuration: {file}");
        StringAssert.Contains(failure.Message, expected);
        Assert.DoesNotContain("\n", failure.Message);
    }

    [TestMethod]
    public void Load_BadOverride_NamesTheFlag()
    {
        BackupFailure failure = Assert.ThrowsExactly<BackupFailure>(() =>
            ConfigLoader.Load(Write(Valid), new Dictionary<string, string> { ["spool:quota"] = "lots" })
        );

        Assert.AreEqual(
            "configuration: command line --spool.quota: \"lots\" is not a size (write e.g. 64MiB, 200GiB or plain bytes)",
            failure.Message
        );
    }

    [TestMethod]
    public void Load_NoSubvolumes_Fails()
    {
        string file = Write("[snapshots]\ndir = /srv/snap\n");

        BackupFailure failure = Assert.ThrowsExactly<BackupFailure>(() =>
            ConfigLoader.Load(file, new Dictionary<string, string>())
        );

        StringAssert.Contains(failure.Message, "[subvolumes] names no subvolume");
    }

    [TestMethod]
    public void Load_MissingSnapshotDir_FailsAsRequired()
    {
        string file = Write("[subvolumes]\ndata = /srv/data\n");

        BackupFailure failure = Assert.ThrowsExactly<BackupFailure>(() =>
            ConfigLoader.Load(file, new Dictionary<string, string>())
        );

        StringAssert.Contains(failure.Message, "[snapshots] dir: is required and has no default");
    }

    [TestMethod]
    public void Load_MissingFile_FailsWithConfigError()
    {
        BackupFailure failure = Assert.ThrowsExactly<BackupFailure>(() =>
            ConfigLoader.Load(Path.Combine(_dir.Path, "absent.ini"), new Dictionary<string, string>())
        );

        Assert.AreEqual(FailureKind.Config, failure.Kind);
        StringAssert.Contains(failure.Message, "the configuration file does not exist");
    }

    private string Write(string content)
    {
        string path = Path.Combine(_dir.Path, "btrfs_to_s3.ini");
        File.WriteAllText(path, content);
        return path;
    }
}
