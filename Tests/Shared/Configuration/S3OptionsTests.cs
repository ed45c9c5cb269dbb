using BtrfsToS3.Shared.Configuration;

namespace BtrfsToS3.Tests.Shared.Configuration;

[TestClass]
public sealed class S3OptionsTests : SectionTest
{
    private const long DefaultChunkSize = 200 * ByteSize.GiB;

    [TestMethod]
    public void Read_NothingGiven_TakesDocumentedDefaults() =>
        Assert.AreEqual(
            new S3Options(
                Bucket: string.Empty,
                Region: string.Empty,
                Prefix: "backup/data/",
                Endpoint: string.Empty,
                StorageClassData: "DEEP_ARCHIVE",
                StorageClassMetadata: "STANDARD",
                Concurrency: 16,
                PartSize: 64 * ByteSize.MiB,
                RequestTimeout: TimeSpan.FromMinutes(15),
                ChecksumsWhenRequiredOnly: false,
                ObjectLock: null,
                LockMargin: TimeSpan.FromDays(30)
            ),
            S3Options.Read(Ini.Section("s3", string.Empty), DefaultChunkSize)
        );

    [TestMethod]
    public void Read_EveryKeyAtItsUpperBound_AcceptedAsGiven()
    {
        ConfigSection section = Ini.Section(
            "s3",
            """
            bucket = my-backups
            region = eu-central-1
            prefix =
            endpoint = http://127.0.0.1:7480
            storage_class_data = GLACIER
            storage_class_metadata = STANDARD_IA
            concurrency = 256
            part_size = 5GiB
            request_timeout = 1d
            request_checksum_calculation = when_required
            object_lock = compliance
            lock_margin = 3650d
            """
        );

        Assert.AreEqual(
            new S3Options(
                "my-backups",
                "eu-central-1",
                string.Empty,
                "http://127.0.0.1:7480",
                "GLACIER",
                "STANDARD_IA",
                256,
                5 * ByteSize.GiB,
                TimeSpan.FromDays(1),
                true,
                "COMPLIANCE",
                TimeSpan.FromDays(3650)
            ),
            S3Options.Read(section, DefaultChunkSize)
        );
    }

    [TestMethod]
    public void Read_EveryKeyAtItsLowerBound_AcceptedAsGiven()
    {
        S3Options options = S3Options.Read(
            Ini.Section("s3", "concurrency = 1\npart_size = 5MiB\nrequest_timeout = 1s"),
            5 * ByteSize.MiB
        );

        Assert.AreEqual(1, options.Concurrency);
        Assert.AreEqual(5 * ByteSize.MiB, options.PartSize);
        Assert.AreEqual(TimeSpan.FromSeconds(1), options.RequestTimeout);
    }

    [TestMethod]
    [DataRow(
        "bucket = Not_A_Bucket",
        "[s3] bucket: \"Not_A_Bucket\" is not a valid bucket name (3 to 63 lower-case letters, digits, '.' and '-')"
    )]
    [DataRow(
        "prefix = backup",
        "[s3] prefix: \"backup\" is not a key prefix: it must be empty or end with '/', and have no empty, '.' or '..' part, no control character, and at most 512 characters"
    )]
    [DataRow(
        "endpoint = ftp://x",
        "[s3] endpoint: \"ftp://x\" is not an http:// or https:// URL (leave it empty for AWS)"
    )]
    [DataRow(
        "storage_class_data = DEEPER_ARCHIVE",
        "[s3] storage_class_data: \"DEEPER_ARCHIVE\" is not an S3 storage class (one of STANDARD, REDUCED_REDUNDANCY, STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING, GLACIER, GLACIER_IR, DEEP_ARCHIVE)"
    )]
    [DataRow(
        "storage_class_metadata = standard",
        "[s3] storage_class_metadata: \"standard\" is not an S3 storage class (one of STANDARD, REDUCED_REDUNDANCY, STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING, GLACIER, GLACIER_IR, DEEP_ARCHIVE)"
    )]
    [DataRow(
        "storage_class_metadata = DEEP_ARCHIVE",
        "[s3] storage_class_metadata: DEEP_ARCHIVE cannot be read without a thaw of hours, and every run reads manifests and pointers: use a class read at once (STANDARD, or STANDARD_IA, GLACIER_IR)"
    )]
    [DataRow(
        "storage_class_metadata = GLACIER",
        "[s3] storage_class_metadata: GLACIER cannot be read without a thaw of hours, and every run reads manifests and pointers: use a class read at once (STANDARD, or STANDARD_IA, GLACIER_IR)"
    )]
    [DataRow("object_lock = on", "[s3] object_lock: \"on\" is not one of off, governance, compliance")]
    [DataRow("lock_margin = 3651d", "[s3] lock_margin: 3651d is out of range: it must be from 0s to 3650d")]
    [DataRow("concurrency = 0", "[s3] concurrency: 0 is out of range: it must be from 1 to 256")]
    [DataRow("concurrency = 257", "[s3] concurrency: 257 is out of range: it must be from 1 to 256")]
    [DataRow("part_size = 1MiB", "[s3] part_size: 1MiB is out of range: it must be from 5MiB to 5GiB")]
    [DataRow("part_size = 6GiB", "[s3] part_size: 6GiB is out of range: it must be from 5MiB to 5GiB")]
    [DataRow("request_timeout = 0s", "[s3] request_timeout: 0s is out of range: it must be from 1s to 1d")]
    [DataRow("request_timeout = 25h", "[s3] request_timeout: 25h is out of range: it must be from 1s to 1d")]
    [DataRow(
        "request_checksum_calculation = always",
        "[s3] request_checksum_calculation: \"always\" is not one of when_supported, when_required"
    )]
    public void Read_BadValue_RejectedWithExactMessage(string lines, string expected) =>
        AssertRejected("s3", lines, expected, s => S3Options.Read(s, DefaultChunkSize));

    [TestMethod]
    public void Read_PartSizeCuttingAChunkIntoMoreThan10000Parts_RejectedNotRaised() =>
        AssertRejected(
            "s3",
            "part_size = 8MiB",
            "[s3] part_size: 8MiB cuts a chunk of 200GiB (chunk_size) into 25600 parts; S3 allows 10000: set part_size to at least 21MiB",
            s => S3Options.Read(s, DefaultChunkSize)
        );

    [TestMethod]
    public void Read_PartSizeGiving10000Parts_Accepted() =>
        Assert.AreEqual(
            5 * ByteSize.MiB,
            S3Options.Read(Ini.Section("s3", "part_size = 5MiB"), 50_000 * ByteSize.MiB).PartSize
        );

    [TestMethod]
    public void Read_PartSizeGiving10001Parts_RejectedNamingTheSizeThatFits() =>
        AssertRejected(
            "s3",
            "part_size = 5MiB",
            "[s3] part_size: 5MiB cuts a chunk of 50001MiB (chunk_size) into 10001 parts; S3 allows 10000: set part_size to at least 6MiB",
            s => S3Options.Read(s, 50_001 * ByteSize.MiB)
        );

    [TestMethod]
    public void Read_PartSizeOverrideTooSmallForTheChunk_NamesTheFlag()
    {
        ConfigSection section = Ini.Section("s3", string.Empty, ("s3:part_size", "8MiB"));

        ConfigAssert.Rejects(
            "configuration: command line --s3.part_size: 8MiB cuts a chunk of 200GiB (chunk_size) into 25600 parts; S3 allows 10000: set part_size to at least 21MiB",
            () => S3Options.Read(section, DefaultChunkSize)
        );
    }
}
