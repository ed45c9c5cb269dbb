using BtrfsToS3.Shared.Configuration;

namespace BtrfsToS3.Tests.Shared.Configuration;

[TestClass]
public sealed class RestoreOptionsTests : SectionTest
{
    [TestMethod]
    public void Read_NothingGiven_TakesDocumentedDefaults() =>
        Assert.AreEqual(
            new RestoreOptions("Bulk", null, 12_500_000, TimeSpan.FromMinutes(15)),
            RestoreOptions.Read(Ini.Section("restore", string.Empty), "DEEP_ARCHIVE")
        );

    [TestMethod]
    [DataRow("Standard", 1, "1s", 1)]
    [DataRow("Expedited", 365, "1d", 86_400)]
    public void Read_Bounds_AcceptedAsGiven(string tier, int days, string pollInterval, int pollSeconds) =>
        Assert.AreEqual(
            new RestoreOptions(tier, days, 1_000_000, TimeSpan.FromSeconds(pollSeconds)),
            RestoreOptions.Read(
                Ini.Section(
                    "restore",
                    $"tier = {tier}\ndays = {days}\ndownload_rate = 8Mbit\npoll_interval = {pollInterval}"
                ),
                "GLACIER"
            )
        );

    [TestMethod]
    [DataRow("tier = bulk", "[restore] tier: \"bulk\" is not one of Bulk, Standard, Expedited")]
    [DataRow(
        "tier = Expedited",
        "[restore] tier: Expedited is not offered for Deep Archive ([s3] storage_class_data = DEEP_ARCHIVE): use Standard (about 12 h) or Bulk (about 48 h)"
    )]
    [DataRow("days = 0", "[restore] days: 0 is out of range: it must be from 1 to 365")]
    [DataRow("days = 366", "[restore] days: 366 is out of range: it must be from 1 to 365")]
    [DataRow("download_rate = off", "[restore] download_rate: \"off\" is not a rate (write one, e.g. 100Mbit)")]
    [DataRow(
        "download_rate = 08:00,10Mbit",
        "[restore] download_rate: \"08:00,10Mbit\" is not a rate (write one, e.g. 100Mbit)"
    )]
    [DataRow("poll_interval = 0s", "[restore] poll_interval: 0s is out of range: it must be from 1s to 1d")]
    [DataRow("poll_interval = 2d", "[restore] poll_interval: 2d is out of range: it must be from 1s to 1d")]
    public void Read_BadValue_RejectedWithExactMessage(string lines, string expected) =>
        AssertRejected("restore", lines, expected, s => RestoreOptions.Read(s, "DEEP_ARCHIVE"));

    [TestMethod]
    [DataRow(0L, 2)]
    [DataRow(1_080_000_000_000L, 2 + 2)]
    [DataRow(5_497_558_138_880L, 2 + 8)]
    public void DaysFor_Auto_CoversTheDownloadAtTheRateWithMargin(long bytes, int expected) =>
        Assert.AreEqual(
            expected,
            RestoreOptions.Read(Ini.Section("restore", string.Empty), "DEEP_ARCHIVE").DaysFor(bytes)
        );

    [TestMethod]
    public void DaysFor_SlowLinkAndHugeChain_IsS3sLongest() =>
        Assert.AreEqual(
            365,
            RestoreOptions
                .Read(Ini.Section("restore", "download_rate = 500kbit"), "DEEP_ARCHIVE")
                .DaysFor(5_497_558_138_880L)
        );

    [TestMethod]
    public void DaysFor_DaysGiven_IsThatMany() =>
        Assert.AreEqual(
            7,
            RestoreOptions.Read(Ini.Section("restore", "days = 7"), "DEEP_ARCHIVE").DaysFor(5_497_558_138_880L)
        );

    [TestMethod]
    public void Read_TrustedKeyNotASigningKey_IsAConfigurationError()
    {
        BtrfsToS3.Shared.Failures.BackupFailure failure = Assert.ThrowsExactly<BtrfsToS3.Shared.Failures.BackupFailure>(
            () =>
                RestoreOptions.Read(Ini.Section("restore", "trusted_keys = ed25519:nope"), "DEEP_ARCHIVE")
        );

        StringAssert.Contains(failure.Message, "[restore] trusted_keys: \"ed25519:nope\" is not a signing public key");
    }

    [TestMethod]
    public void Read_TrustedKeys_AreKept()
    {
        const string Key = "ed25519:0pk8O5U2cS2cvRWpfMnBHGBr4Fjs6Xo4xbl3TVd6Gm0=";

        CollectionAssert.AreEqual(
            new[] { Key },
            RestoreOptions.Read(Ini.Section("restore", $"trusted_keys = {Key}"), "DEEP_ARCHIVE").TrustedKeys!.ToArray()
        );
    }
}
