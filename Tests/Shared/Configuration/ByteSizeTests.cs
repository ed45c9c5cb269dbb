using BtrfsToS3.Shared.Configuration;

namespace BtrfsToS3.Tests.Shared.Configuration;

[TestClass]
public sealed class ByteSizeTests
{
    [TestMethod]
    [DataRow("0", 0L)]
    [DataRow("4096", 4096L)]
    [DataRow("512MiB", 512L * 1024 * 1024)]
    [DataRow("200GiB", 200L * 1024 * 1024 * 1024)]
    [DataRow("1.5TiB", 1536L * 1024 * 1024 * 1024)]
    [DataRow("2 GB", 2_000_000_000L)]
    public void TryParse_ValidSize_ReturnsBytes(string text, long expected) =>
        Assert.AreEqual(expected, ByteSize.TryParse(text));

    [TestMethod]
    [DataRow("")]
    [DataRow("-1")]
    [DataRow("10XB")]
    [DataRow("1.5")]
    [DataRow("GiB")]
    [DataRow("99999999999TiB")]
    public void TryParse_NotASize_ReturnsNull(string text) => Assert.IsNull(ByteSize.TryParse(text));

    [TestMethod]
    [DataRow(200_000, "")]
    [DataRow(29, "")]
    [DataRow(19, "TiB")]
    public void TryParse_NumberTooLongForAnySize_ReturnsNullNotAnOverflow(int digits, string unit) =>
        Assert.IsNull(ByteSize.TryParse(new string('9', digits) + unit));

    [TestMethod]
    public void Format_WholeUnit_UsesLargestExactUnit()
    {
        Assert.AreEqual("200GiB", ByteSize.Format(200 * ByteSize.GiB));
        Assert.AreEqual("1536MiB", ByteSize.Format(1536 * ByteSize.MiB));
        Assert.AreEqual("1000 bytes", ByteSize.Format(1000));
    }
}
