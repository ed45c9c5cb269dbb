using BtrfsToS3.Shared.Publishing;

namespace BtrfsToS3.Tests.Shared.Publishing;

/// <summary>What retention may delete: exactly the keys of docs/FORMAT.md's layout, nothing that merely sits beside
/// them.</summary>
[TestClass]
public sealed class ObjectKeysTests
{
    [TestMethod]
    [DataRow("backup/data/20261125T020000Z/data.20261125T020000Z/chunk-000000")]
    [DataRow("backup/data/20261125T020000Z/data.20261202T020000Z/manifest.json")]
    public void GenerationOf_OurChunkOrManifest_IsItsGeneration(string key) =>
        Assert.AreEqual("20261125T020000Z", ObjectKeys.GenerationOf("backup/", "data", key));

    [TestMethod]
    [DataRow("backup/data/pointer.json")]
    [DataRow("backup/data/2019-photos/keep.txt")]
    [DataRow("backup/data/20261125T020000Z/notes.txt")]
    [DataRow("backup/data/20261125T020000Z/data.20261125T020000Z/chunk-000000.bak")]
    [DataRow("backup/data/20261125T020000Z/data.20261125T020000Z/chunk-1")]
    [DataRow("backup/data/20261125T020000Z/data.20261125T020000Z/sub/chunk-000000")]
    [DataRow("backup/data/20261125T020000Z/home.20261125T020000Z/chunk-000000")]
    [DataRow("backup/data/20261325T020000Z/data.20261125T020000Z/chunk-000000")]
    [DataRow("backup/data.images/20261125T020000Z/data.images.20261125T020000Z/chunk-000000")]
    [DataRow("other/data/20261125T020000Z/data.20261125T020000Z/chunk-000000")]
    public void GenerationOf_AnythingElse_IsNull(string key) =>
        Assert.IsNull(ObjectKeys.GenerationOf("backup/", "data", key));

    [TestMethod]
    public void IsOurs_NestedSubvolumesChunk_IsOurs() =>
        Assert.IsTrue(
            ObjectKeys.IsOurs(
                "backup/",
                "backup/data.images/20261125T020000Z/data.images.20261125T020000Z/chunk-000000"
            )
        );

    [TestMethod]
    public void IsOurs_ForeignUploadUnderThePrefix_IsNot() =>
        Assert.IsFalse(ObjectKeys.IsOurs("backup/", "backup/data/2019-photos/video.mp4"));
}
