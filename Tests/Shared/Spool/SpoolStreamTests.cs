using BtrfsToS3.Shared.Format;
using BtrfsToS3.Shared.Spool;
using BtrfsToS3.Tests.Infrastructure;

namespace BtrfsToS3.Tests.Shared.Spool;

/// <summary>The records of a multipart upload in progress and of a held stream, in a stream directory of their
/// own.</summary>
[TestClass]
public sealed class SpoolStreamTests
{
    private TempDirectory _dir = null!;
    private SpoolStream _stream = null!;

    [TestInitialize]
    public void SetUp()
    {
        _dir = new TempDirectory("stream");
        _stream = new SpoolDirectory(_dir.Path).CreateStream("data.20261125T020000Z");
    }

    [TestCleanup]
    public void TearDown() => _dir.Dispose();

    [TestMethod]
    public void WriteUpload_ThenReadUpload_GivesTheRecordBackAndForgetUploadRemovesIt()
    {
        var upload = new UploadRecord(
            FormatJson.Version,
            3,
            "backup/k/chunk-000003",
            "2~abc",
            DateTimeOffset.UnixEpoch,
            [1, 2, 5]
        );

        _stream.WriteUpload(upload);
        UploadRecord? read = _stream.ReadUpload(3);
        _stream.ForgetUpload(3);

        Assert.IsNotNull(read);
        Assert.AreEqual((upload.Key, upload.UploadId), (read.Key, read.UploadId));
        CollectionAssert.AreEqual(new[] { 1, 2, 5 }, read.ConfirmedParts.ToArray());
        Assert.IsNull(_stream.ReadUpload(3));
    }

    [TestMethod]
    public void ReadUpload_RecordThatCannotBeRead_CountsAsNone()
    {
        File.WriteAllText(Path.Combine(_stream.Dir, "chunk-000000.upload.json"), "{ \"format_version\": 2, \"index\"");

        Assert.IsNull(_stream.ReadUpload(0));
    }

    [TestMethod]
    public void Hold_ThenReadHeld_MarksTheStreamHeld()
    {
        Assert.IsFalse(_stream.IsHeld);

        _stream.Hold(new HeldRecord(FormatJson.Version, "chunk-000002", 7, "400 BadDigest", DateTimeOffset.UnixEpoch));

        Assert.IsTrue(_stream.IsHeld);
        Assert.AreEqual(("chunk-000002", 7), (_stream.ReadHeld().Chunk, _stream.ReadHeld().Part));
    }
}
