using BtrfsToS3.Shared.Configuration;

namespace BtrfsToS3.Tests.Shared.Configuration;

[TestClass]
public sealed class StateOptionsTests : SectionTest
{
    [TestMethod]
    public void Read_NothingGiven_TakesDocumentedDefaults() =>
        Assert.AreEqual(
            new StateOptions("/var/lib/btrfs_to_s3", string.Empty),
            StateOptions.Read(Ini.Section("state", string.Empty))
        );

    [TestMethod]
    public void Read_BothGiven_ReturnsFullPaths() =>
        Assert.AreEqual(
            new StateOptions("/srv/state", "/var/lib/node/btrfs_to_s3.prom"),
            StateOptions.Read(Ini.Section("state", "dir = /srv/state/\nmetrics_file = /var/lib/node/btrfs_to_s3.prom"))
        );

    [TestMethod]
    [DataRow("dir = state", "[state] dir: \"state\" is not an absolute path")]
    [DataRow("metrics_file = btrfs_to_s3.prom", "[state] metrics_file: \"btrfs_to_s3.prom\" is not an absolute path")]
    public void Read_BadValue_RejectedWithExactMessage(string lines, string expected) =>
        AssertRejected("state", lines, expected, s => StateOptions.Read(s));
}
