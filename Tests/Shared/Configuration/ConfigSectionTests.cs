using BtrfsToS3.Shared.Configuration;

namespace BtrfsToS3.Tests.Shared.Configuration;

[TestClass]
public sealed class ConfigSectionTests : SectionTest
{
    [TestMethod]
    public void Text_Given_ReturnsValueTrimmed() =>
        Assert.AreEqual("eu-central-1", Ini.Section("s3", "region =   eu-central-1   ").Text("region"));

    [TestMethod]
    public void Text_NotGiven_ReturnsDefaultFromConfigKeys()
    {
        ConfigSection section = Ini.Section("spool", string.Empty);

        Assert.AreEqual(ConfigKeys.Known["spool"]["dir"], section.Text("dir"));
        Assert.AreEqual("/var/spool/btrfs_to_s3", section.Text("dir"));
    }

    [TestMethod]
    public void Text_OverrideAndFile_OverrideWins() =>
        Assert.AreEqual(
            "us-east-1",
            Ini.Section("s3", "region = eu-central-1", ("s3:region", "us-east-1")).Text("region")
        );

    [TestMethod]
    public void Text_RequiredKeyMissing_FailsNamingFileAndKey() =>
        AssertRejected("snapshots", string.Empty, "[snapshots] dir: is required and has no default", s =>
            s.Text("dir")
        );

    [TestMethod]
    public void Text_InlineComment_Rejected() =>
        AssertRejected(
            "s3",
            "region = eu-central-1 ; Frankfurt",
            "[s3] region: \"eu-central-1 ; Frankfurt\" holds an inline comment; put comments on their own line",
            s => s.Text("region")
        );

    [TestMethod]
    public void Where_Override_NamesTheFlag()
    {
        ConfigSection section = Ini.Section("spool", "quota = 1GiB", ("spool:quota", "lots"));

        Assert.AreEqual("command line --spool.quota", section.Where("quota"));
        Assert.AreEqual($"{Ini.File}: [spool] dir", section.Where("dir"));
        ConfigAssert.Rejects(
            "configuration: command line --spool.quota: \"lots\" is not a size (write e.g. 64MiB, 200GiB or plain bytes)",
            () => section.Size("quota", min: 1, max: long.MaxValue)
        );
    }

    [TestMethod]
    public void Error_Key_NamesFileSectionAndKey() =>
        Assert.AreEqual(
            $"configuration: {Ini.File}: [spool] quota: too small",
            Ini.Section("spool", string.Empty).Error("quota", "too small").Message
        );

    [TestMethod]
    public void Error_WholeSection_NamesFileAndSection() =>
        Assert.AreEqual(
            $"configuration: {Ini.File}: [subvolumes] names nothing",
            Ini.Section("subvolumes", string.Empty).Error("names nothing").Message
        );

    [TestMethod]
    public void Entries_FreeSection_ReturnsEveryKeyWithItsValue()
    {
        ConfigSection section = Ini.Section("subvolumes", "root = /srv/root\ndata = /srv/data");

        CollectionAssert.AreEquivalent(
            new[] { ("data", (string?)"/srv/data"), ("root", (string?)"/srv/root") },
            section.Entries().ToArray()
        );
    }

    [TestMethod]
    public void AbsolutePath_DotsAndTrailingSeparator_Normalised() =>
        Assert.AreEqual("/srv/spool", Ini.Section("spool", "dir = /srv/data/../spool/").AbsolutePath("dir"));

    [TestMethod]
    [DataRow("relative/path")]
    [DataRow("./spool")]
    public void AbsolutePath_Relative_Rejected(string value) =>
        AssertRejected("spool", $"dir = {value}", $"[spool] dir: \"{value}\" is not an absolute path", s =>
            s.AbsolutePath("dir")
        );

    [TestMethod]
    [DataRow(null)]
    [DataRow("")]
    [DataRow("  ")]
    public void AbsolutePath_GivenValueBlank_Rejected(string? value) =>
        AssertRejected("subvolumes", string.Empty, $"[subvolumes] data: \"{value}\" is not an absolute path", s =>
            s.AbsolutePath("data", value)
        );

    [TestMethod]
    public void AbsolutePath_GivenValueWithInlineComment_Rejected() =>
        AssertRejected(
            "subvolumes",
            string.Empty,
            "[subvolumes] data: \"/srv/data # main\" holds an inline comment; put comments on their own line",
            s => s.AbsolutePath("data", "/srv/data # main")
        );

    [TestMethod]
    public void OptionalAbsolutePath_Empty_ReturnsEmpty() =>
        Assert.AreEqual(string.Empty, Ini.Section("state", "metrics_file =").OptionalAbsolutePath("metrics_file"));

    [TestMethod]
    public void OptionalAbsolutePath_Given_ReturnsFullPath() =>
        Assert.AreEqual(
            "/var/lib/node/b.prom",
            Ini.Section("state", "metrics_file = /var/lib/node/./b.prom").OptionalAbsolutePath("metrics_file")
        );

    [TestMethod]
    public void OptionalAbsolutePath_Relative_Rejected() =>
        AssertRejected(
            "state",
            "metrics_file = b.prom",
            "[state] metrics_file: \"b.prom\" is not an absolute path",
            s => s.OptionalAbsolutePath("metrics_file")
        );

    [TestMethod]
    [DataRow("1MiB", ByteSize.MiB)]
    [DataRow("1GiB", ByteSize.GiB)]
    [DataRow("1048576", ByteSize.MiB)]
    public void Size_WithinRangeInclusive_ReturnsBytesAsGiven(string value, long expected) =>
        Assert.AreEqual(
            expected,
            Ini.Section("spool", $"quota = {value}").Size("quota", min: ByteSize.MiB, max: ByteSize.GiB)
        );

    [TestMethod]
    public void Size_NotASize_Rejected() =>
        AssertRejected(
            "spool",
            "quota = 10XB",
            "[spool] quota: \"10XB\" is not a size (write e.g. 64MiB, 200GiB or plain bytes)",
            s => s.Size("quota", min: 1, max: long.MaxValue)
        );

    [TestMethod]
    [DataRow("1048575")]
    [DataRow("1073741825")]
    public void Size_OutsideRange_RejectedNotClamped(string value) =>
        AssertRejected(
            "spool",
            $"quota = {value}",
            $"[spool] quota: {value} is out of range: it must be from 1MiB to 1GiB",
            s => s.Size("quota", min: ByteSize.MiB, max: ByteSize.GiB)
        );

    [TestMethod]
    public void Size_BelowMinimumWithoutMaximum_SaysAtLeast() =>
        AssertRejected("spool", "quota = 1KiB", "[spool] quota: 1KiB is out of range: it must be at least 1MiB", s =>
            s.Size("quota", min: ByteSize.MiB, max: long.MaxValue)
        );

    [TestMethod]
    [DataRow("1", 1)]
    [DataRow("256", 256)]
    public void Integer_WithinRangeInclusive_ReturnsValue(string value, int expected) =>
        Assert.AreEqual(expected, Ini.Section("s3", $"concurrency = {value}").Integer("concurrency", min: 1, max: 256));

    [TestMethod]
    [DataRow("many")]
    [DataRow("-1")]
    [DataRow("+1")]
    [DataRow("1.5")]
    [DataRow("99999999999")]
    public void Integer_NotAWholeNumber_Rejected(string value) =>
        AssertRejected("s3", $"concurrency = {value}", $"[s3] concurrency: \"{value}\" is not a whole number", s =>
            s.Integer("concurrency", min: 1, max: 256)
        );

    [TestMethod]
    [DataRow("0")]
    [DataRow("257")]
    public void Integer_OutsideRange_RejectedNotClamped(string value) =>
        AssertRejected(
            "s3",
            $"concurrency = {value}",
            $"[s3] concurrency: {value} is out of range: it must be from 1 to 256",
            s => s.Integer("concurrency", min: 1, max: 256)
        );

    [TestMethod]
    public void Price_DecimalNumber_ReturnsItExactly() =>
        Assert.AreEqual(
            0.00099m,
            Ini.Section("prices", "storage_per_gb_month = 0.00099").Price("storage_per_gb_month")
        );

    [TestMethod]
    [DataRow("-0.01")]
    [DataRow("$1")]
    [DataRow("1,5")]
    public void Price_NotAPrice_Rejected(string value) =>
        AssertRejected(
            "prices",
            $"put_per_1000 = {value}",
            $"[prices] put_per_1000: \"{value}\" is not a price (a decimal number of US dollars, e.g. 0.00099)",
            s => s.Price("put_per_1000")
        );

    [TestMethod]
    public void Choice_OneOfThem_ReturnsIt() =>
        Assert.AreEqual(
            "Standard",
            Ini.Section("restore", "tier = Standard").Choice("tier", "Bulk", "Standard", "Expedited")
        );

    [TestMethod]
    public void Choice_OtherSpelling_Rejected() =>
        AssertRejected(
            "restore",
            "tier = bulk",
            "[restore] tier: \"bulk\" is not one of Bulk, Standard, Expedited",
            s => s.Choice("tier", "Bulk", "Standard", "Expedited")
        );

    [TestMethod]
    [DataRow("1s", 1)]
    [DataRow("90s", 90)]
    [DataRow("15m", 900)]
    [DataRow("1d", 86_400)]
    public void Duration_WithinRangeInclusive_ReturnsIt(string value, int seconds) =>
        Assert.AreEqual(
            TimeSpan.FromSeconds(seconds),
            Ini.Section("s3", $"request_timeout = {value}")
                .Duration("request_timeout", TimeSpan.FromSeconds(1), TimeSpan.FromDays(1))
        );

    [TestMethod]
    [DataRow("1 week")]
    [DataRow("1.5h")]
    [DataRow("15")]
    public void Duration_NotADuration_Rejected(string value) =>
        AssertRejected(
            "s3",
            $"request_timeout = {value}",
            $"[s3] request_timeout: \"{value}\" is not a duration (write e.g. 90s, 15m, 2h or 7d)",
            s => s.Duration("request_timeout", TimeSpan.FromSeconds(1), TimeSpan.FromDays(1))
        );

    [TestMethod]
    [DataRow("0s")]
    [DataRow("25h")]
    public void Duration_OutsideRange_RejectedNotClamped(string value) =>
        AssertRejected(
            "s3",
            $"request_timeout = {value}",
            $"[s3] request_timeout: {value} is out of range: it must be from 1s to 1d",
            s => s.Duration("request_timeout", TimeSpan.FromSeconds(1), TimeSpan.FromDays(1))
        );

    [TestMethod]
    [DataRow("minimal", 1)]
    [DataRow("keep_last:1", 1)]
    [DataRow("keep_last:10000", 10_000)]
    public void Retention_Valid_KeepsThatMany(string value, int keepLast) =>
        Assert.AreEqual(
            new LocalRetention(keepLast),
            Ini.Section("snapshots", $"retention = {value}").Retention("retention")
        );

    [TestMethod]
    [DataRow("keep_all")]
    [DataRow("keep_last:0")]
    [DataRow("keep_last:10001")]
    [DataRow("keep_last:-1")]
    [DataRow("Minimal")]
    public void Retention_Invalid_RejectedNotClamped(string value) =>
        AssertRejected(
            "snapshots",
            $"retention = {value}",
            $"[snapshots] retention: \"{value}\" is not a retention (write minimal or keep_last:N with N from 1 to 10000)",
            s => s.Retention("retention")
        );

    [TestMethod]
    public void StorageClass_EveryS3Class_Accepted()
    {
        foreach (string storageClass in S3Limits.StorageClasses)
        {
            Assert.AreEqual(
                storageClass,
                Ini.Section("s3", $"storage_class_data = {storageClass}").StorageClass("storage_class_data")
            );
        }
    }

    [TestMethod]
    [DataRow("DEEPER_ARCHIVE")]
    [DataRow("deep_archive")]
    public void StorageClass_Unknown_RejectedListingTheClasses(string value) =>
        AssertRejected(
            "s3",
            $"storage_class_data = {value}",
            $"[s3] storage_class_data: \"{value}\" is not an S3 storage class (one of STANDARD, REDUCED_REDUNDANCY, STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING, GLACIER, GLACIER_IR, DEEP_ARCHIVE)",
            s => s.StorageClass("storage_class_data")
        );

    [TestMethod]
    [DataRow("")]
    [DataRow("abc")]
    [DataRow("my-backups.example")]
    public void BucketName_EmptyOrValid_ReturnsIt(string value) =>
        Assert.AreEqual(value, Ini.Section("s3", $"bucket = {value}").BucketName("bucket"));

    [TestMethod]
    [DataRow("Not_A_Bucket")]
    [DataRow("ab")]
    [DataRow("-backups")]
    public void BucketName_Invalid_Rejected(string value) =>
        AssertRejected(
            "s3",
            $"bucket = {value}",
            $"[s3] bucket: \"{value}\" is not a valid bucket name (3 to 63 lower-case letters, digits, '.' and '-')",
            s => s.BucketName("bucket")
        );

    [TestMethod]
    [DataRow("")]
    [DataRow("backup/")]
    [DataRow("backup/data/")]
    public void Prefix_EmptyOrEndingWithSlash_ReturnsIt(string value) =>
        Assert.AreEqual(value, Ini.Section("s3", $"prefix = {value}").Prefix("prefix"));

    [TestMethod]
    [DataRow("/backup/")]
    [DataRow("backup")]
    [DataRow("backup//data/")]
    [DataRow("../x/")]
    [DataRow("backup/./data/")]
    [DataRow("backup/../../")]
    public void Prefix_Invalid_RejectedNotRepaired(string value) =>
        AssertRejected(
            "s3",
            $"prefix = {value}",
            $"[s3] prefix: \"{value}\" is not a key prefix: it must be empty or end with '/', and have no empty, '.' or '..' part, no control character, and at most 512 characters",
            s => s.Prefix("prefix")
        );

    [TestMethod]
    [DataRow("")]
    [DataRow("http://127.0.0.1:7480")]
    [DataRow("https://s3.example.com")]
    public void Endpoint_EmptyOrHttpUrl_ReturnsIt(string value) =>
        Assert.AreEqual(value, Ini.Section("s3", $"endpoint = {value}").Endpoint("endpoint"));

    [TestMethod]
    [DataRow("ftp://x")]
    [DataRow("s3.example.com")]
    public void Endpoint_NotHttp_Rejected(string value) =>
        AssertRejected(
            "s3",
            $"endpoint = {value}",
            $"[s3] endpoint: \"{value}\" is not an http:// or https:// URL (leave it empty for AWS)",
            s => s.Endpoint("endpoint")
        );
}
