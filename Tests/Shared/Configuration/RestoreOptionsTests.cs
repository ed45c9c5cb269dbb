using BtrfsToS3.Shared.Configuration;

namespace BtrfsToS3.Tests.Shared.Configuration;

[TestClass]
public sealed class RestoreOptionsTests : SectionTest
{
    [TestMethod]
    public void Read_NothingGiven_TakesDocumentedDefaults() =>
        Assert.AreEqual(new RestoreOptions("Bulk", 7, TimeSpan.FromMinutes(15)), RestoreOptions.Read(Ini.Section("restore", string.Empty)));

    [TestMethod]
    [DataRow("Standard", 1, "1s", 1)]
    [DataRow("Expedited", 365, "1d", 86_400)]
    public void Read_Bounds_AcceptedAsGiven(string tier, int days, string pollInterval, int pollSeconds) =>
        Assert.AreEqual(
            new RestoreOptions(tier, days, TimeSpan.FromSeconds(pollSeconds)),
            RestoreOptions.Read(Ini.Section("restore", $"tier = {tier}\ndays = {days}\npoll_interval = {pollInterval}")));

    [TestMethod]
    [DataRow("tier = bulk", "[restore] tier: \"bulk\" is not one of Bulk, Standard, Expedited")]
    [DataRow("days = 0", "[restore] days: 0 is out of range: it must be from 1 to 365")]
    [DataRow("days = 366", "[restore] days: 366 is out of range: it must be from 1 to 365")]
    [DataRow("poll_interval = 0s", "[restore] poll_interval: 0s is out of range: it must be from 1s to 1d")]
    [DataRow("poll_interval = 2d", "[restore] poll_interval: 2d is out of range: it must be from 1s to 1d")]
    public void Read_BadValue_RejectedWithExactMessage(string lines, string expected) =>
        AssertRejected("restore", lines, expected, s => RestoreOptions.Read(s));
}
