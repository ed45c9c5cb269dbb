using BtrfsToS3.Shared.Format;
using BtrfsToS3.Shared.Spool;

namespace BtrfsToS3.Tests.Shared.Spool;

[TestClass]
public sealed class ChunkIdentityTests
{
    private static readonly ChunkIdentity Identity = new(1000, "51e6", "9b2c-2", "y/Q5Jg==");

    [TestMethod]
    [DataRow(1000L, "\"9b2c-2\"", true, DisplayName = "S3 quotes its ETags")]
    [DataRow(1000L, "9b2c-2", true)]
    [DataRow(999L, "9b2c-2", false, DisplayName = "a byte short")]
    [DataRow(1000L, "9b2c-3", false, DisplayName = "another part count")]
    public void IsStoredAs_SizeAndEtag_MatchOnlyWhenBothAre(long size, string etag, bool expected) =>
        Assert.AreEqual(expected, Identity.IsStoredAs(size, etag, null));

    [TestMethod]
    [DataRow("y/Q5Jg==", true)]
    [DataRow("AAAAAA==", false, DisplayName = "S3 keeps another CRC-32")]
    [DataRow(null, true, DisplayName = "a server without flexible checksums keeps none")]
    public void IsStoredAs_Crc32_MustMatchWhereS3KeepsOne(string? crc32, bool expected) =>
        Assert.AreEqual(expected, Identity.IsStoredAs(1000, "9b2c-2", crc32));

    [TestMethod]
    [DataRow("51e6", true)]
    [DataRow("ffff", false)]
    [DataRow(null, false, DisplayName = "an object without our metadata is not ours")]
    public void IsSameAs_Sha256Metadata_MustMatchToo(string? sha256, bool expected) =>
        Assert.AreEqual(expected, Identity.IsSameAs(1000, "\"9b2c-2\"", null, sha256));

    [TestMethod]
    public void Identity_OfTheThreeRecords_IsEqualForTheSameChunk()
    {
        var record = new ChunkRecord(
            FormatJson.Version,
            0,
            "chunk-000000",
            1000,
            1000,
            "51e6",
            "y/Q5Jg==",
            512,
            [new PartRecord("aa", "AAAAAA=="), new PartRecord("bb", "BBBBBB==")],
            "9b2c-2"
        );
        var uploaded = new UploadedRecord(
            FormatJson.Version,
            0,
            "chunk-000000",
            "k",
            1000,
            "51e6",
            "9b2c-2",
            "y/Q5Jg==",
            "DEEP_ARCHIVE",
            DateTimeOffset.UnixEpoch,
            1,
            0,
            false
        );
        var manifest = new BtrfsToS3.Shared.Publishing.ManifestChunk(0, "k", 1000, 1000, "51e6", "9b2c-2", "y/Q5Jg==");

        Assert.AreEqual(Identity, record.Identity);
        Assert.AreEqual(Identity, uploaded.Identity);
        Assert.AreEqual(Identity, manifest.Identity);
    }
}
