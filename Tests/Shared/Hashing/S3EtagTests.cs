using BtrfsToS3.Shared.Hashing;

namespace BtrfsToS3.Tests.Shared.Hashing;

[TestClass]
public sealed class S3EtagTests
{
    // The expected ETags below were computed outside .NET, so a mistake shared by the code and the test cannot hide:
    // the part MD5s with `printf '%s' PART | md5sum`, the multipart ETags with
    // `{ for p in PARTS; do printf '%s' "$p" | md5sum | cut -c1-32 | xxd -r -p; done; } | md5sum`, and both again with
    // python3's hashlib (md5(b"".join(md5(p).digest() for p in parts)).hexdigest()).
    private const string PartOneMd5 = "3303e12af474ca11d85ed2966a932992"; // "part one"
    private const string PartTwoMd5 = "3ea4e15b91a17dc76052c56cfcdf67a2"; // "part two"
    private const string PartThreeMd5 = "3a2d06a813d5a386c320118357b2625b"; // "part three"
    private const string EmptyMd5 = "d41d8cd98f00b204e9800998ecf8427e"; // no bytes at all

    [TestMethod]
    public void FromPartMd5s_OnePart_IsTheLowercaseHexMd5()
    {
        string etag = S3Etag.FromPartMd5s([Convert.FromHexString(PartOneMd5)]);

        Assert.AreEqual(PartOneMd5, etag);
    }

    [TestMethod]
    public void FromPartMd5s_ThreeParts_IsMd5OfTheBinaryPartMd5sAndTheCount()
    {
        string etag = S3Etag.FromPartMd5s([
            Convert.FromHexString(PartOneMd5),
            Convert.FromHexString(PartTwoMd5),
            Convert.FromHexString(PartThreeMd5),
        ]);

        Assert.AreEqual("9c46b2a5c836d5b6fff429d90cae24cf-3", etag);
    }

    [TestMethod]
    public void FromPartMd5s_PartsInAnotherOrder_GiveAnotherEtag()
    {
        // S3 hashes the parts in part-number order; a chunk whose parts were hashed out of order must not match.
        string etag = S3Etag.FromPartMd5s([
            Convert.FromHexString(PartTwoMd5),
            Convert.FromHexString(PartOneMd5),
            Convert.FromHexString(PartThreeMd5),
        ]);

        Assert.AreNotEqual("9c46b2a5c836d5b6fff429d90cae24cf-3", etag);
        Assert.EndsWith("-3", etag);
    }

    [TestMethod]
    public void FromPartMd5s_TwoIdenticalParts_CountsBoth()
    {
        string etag = S3Etag.FromPartMd5s([Convert.FromHexString(EmptyMd5), Convert.FromHexString(EmptyMd5)]);

        Assert.AreEqual("5873dd45edd01f09c1ef2e7819369e8e-2", etag);
    }

    [TestMethod]
    [DataRow("\"9c46b2a5c836d5b6fff429d90cae24cf-3\"", DisplayName = "quoted, as S3 returns it")]
    [DataRow("9c46b2a5c836d5b6fff429d90cae24cf-3", DisplayName = "already bare")]
    public void Normalize_QuotedOrBare_ReturnsTheBareEtag(string etag) =>
        Assert.AreEqual("9c46b2a5c836d5b6fff429d90cae24cf-3", S3Etag.Normalize(etag));
}
