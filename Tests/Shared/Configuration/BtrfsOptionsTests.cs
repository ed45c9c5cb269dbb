using BtrfsToS3.Shared.Configuration;

namespace BtrfsToS3.Tests.Shared.Configuration;

[TestClass]
public sealed class BtrfsOptionsTests : SectionTest
{
    [TestMethod]
    public void Read_NothingGiven_AutoForBoth() =>
        Assert.AreEqual(new BtrfsOptions(null, null), BtrfsOptions.Read(Ini.Section("btrfs", string.Empty)));

    [TestMethod]
    [DataRow("send_protocol = 2\ncompressed_data = no", 2, false)]
    [DataRow("send_protocol = 1\ncompressed_data = no", 1, false)]
    [DataRow("send_protocol = 2\ncompressed_data = yes", 2, true)]
    public void Read_Given_TakenAsGiven(string lines, int protocol, bool compressed) =>
        Assert.AreEqual(new BtrfsOptions(protocol, compressed), BtrfsOptions.Read(Ini.Section("btrfs", lines)));

    [TestMethod]
    [DataRow("send_protocol = 3", "[btrfs] send_protocol: \"3\" is not one of auto, 1, 2")]
    [DataRow("compressed_data = true", "[btrfs] compressed_data: \"true\" is not one of auto, yes, no")]
    [DataRow(
        "send_protocol = 1\ncompressed_data = yes",
        "[btrfs] compressed_data: yes needs send_protocol 2 (or auto): protocol 1 cannot carry compressed extents"
    )]
    public void Read_BadValue_RejectedWithExactMessage(string lines, string expected) =>
        AssertRejected("btrfs", lines, expected, s => BtrfsOptions.Read(s));
}
