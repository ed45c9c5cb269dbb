using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Hashing;

namespace BtrfsToS3.Tests.Shared.Hashing;

[TestClass]
public sealed class PartSizingTests
{
    [TestMethod]
    [DataRow(0L, DisplayName = "empty")]
    [DataRow(1L, DisplayName = "one byte")]
    [DataRow(999L, DisplayName = "one byte short of a part")]
    [DataRow(1000L, DisplayName = "exactly one part")]
    public void PartCount_ChunkUpToOnePart_IsOne(long chunkSize) =>
        Assert.AreEqual(1, PartSizing.PartCount(chunkSize, 1000));

    [TestMethod]
    [DataRow(2000L, 2, DisplayName = "two parts")]
    [DataRow(7000L, 7, DisplayName = "seven parts")]
    public void PartCount_ExactMultiple_HasNoShortLastPart(long chunkSize, int expected) =>
        Assert.AreEqual(expected, PartSizing.PartCount(chunkSize, 1000));

    [TestMethod]
    [DataRow(1001L, 2, DisplayName = "one part and one byte")]
    [DataRow(2001L, 3, DisplayName = "two parts and one byte")]
    [DataRow(6999L, 7, DisplayName = "one byte short of seven parts")]
    public void PartCount_OneByteOverOrShort_CountsTheShortLastPart(long chunkSize, int expected) =>
        Assert.AreEqual(expected, PartSizing.PartCount(chunkSize, 1000));

    [TestMethod]
    public void PartCount_ChunkOfMoreBytesThanAnInt_CountsWithoutOverflow()
    {
        // The shipped defaults, chunk_size 200GiB and part_size 64MiB: the byte counts are far past int's range.
        Assert.AreEqual(3200, PartSizing.PartCount(200 * ByteSize.GiB, 64 * ByteSize.MiB));
        Assert.AreEqual(3201, PartSizing.PartCount((200 * ByteSize.GiB) + 1, 64 * ByteSize.MiB));
    }
}
