using BtrfsToS3.Shared.Configuration;

namespace BtrfsToS3.Tests.Shared.Configuration;

[TestClass]
public sealed class SnapshotOptionsTests : SectionTest
{
    [TestMethod]
    public void Read_OnlyDir_RetentionDefaultsToMinimal() =>
        Assert.AreEqual(
            new SnapshotOptions("/srv/data/.btrfs_to_s3", LocalRetention.Minimal),
            SnapshotOptions.Read(Ini.Section("snapshots", "dir = /srv/data/.btrfs_to_s3/"))
        );

    [TestMethod]
    public void Read_KeepLast_ReturnsIt() =>
        Assert.AreEqual(
            new LocalRetention(3),
            SnapshotOptions.Read(Ini.Section("snapshots", "dir = /srv/snap\nretention = keep_last:3")).Retention
        );

    [TestMethod]
    [DataRow("retention = minimal", "[snapshots] dir: is required and has no default")]
    [DataRow("dir = snap", "[snapshots] dir: \"snap\" is not an absolute path")]
    [DataRow(
        "dir = /srv/snap\nretention = keep_all",
        "[snapshots] retention: \"keep_all\" is not a retention (write minimal or keep_last:N with N from 1 to 10000)"
    )]
    [DataRow(
        "dir = /srv/snap\nretention = keep_last:0",
        "[snapshots] retention: \"keep_last:0\" is not a retention (write minimal or keep_last:N with N from 1 to 10000)"
    )]
    [DataRow(
        "dir = /srv/snap\nretention = keep_last:10001",
        "[snapshots] retention: \"keep_last:10001\" is not a retention (write minimal or keep_last:N with N from 1 to 10000)"
    )]
    public void Read_BadValue_RejectedWithExactMessage(string lines, string expected) =>
        AssertRejected("snapshots", lines, expected, s => SnapshotOptions.Read(s));
}
