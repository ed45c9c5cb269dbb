using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Format;
using BtrfsToS3.Shared.Spool;

namespace BtrfsToS3.Tests.Shared.Configuration;

[TestClass]
public sealed class SpoolOptionsTests : SectionTest
{
    [TestMethod]
    public void Read_NothingGiven_TakesDocumentedDefaults() =>
        Assert.AreEqual(
            new SpoolOptions(
                "/var/spool/btrfs_to_s3",
                450 * ByteSize.GiB,
                200 * ByteSize.GiB,
                ChunkCompression.Automatic
            ),
            SpoolOptions.Read(Ini.Section("spool", string.Empty), encrypted: false)
        );

    [TestMethod]
    public void Read_QuotaOfExactlyOneChunk_Accepted() =>
        Assert.AreEqual(
            new SpoolOptions("/run/spool", 512 * ByteSize.MiB, 512 * ByteSize.MiB, ChunkCompression.None),
            SpoolOptions.Read(
                Ini.Section("spool", "dir = /run/spool\nquota = 512MiB\nchunk_size = 512MiB\ncompression = none"),
                encrypted: false
            )
        );

    [TestMethod]
    [DataRow("1", 1L)]
    [DataRow("5TiB", 5 * ByteSize.TiB)]
    public void Read_ChunkSizeAtItsBounds_AcceptedAsGiven(string chunkSize, long expected) =>
        Assert.AreEqual(
            expected,
            SpoolOptions
                .Read(
                    Ini.Section("spool", $"quota = 5TiB\nchunk_size = {chunkSize}\ncompression = none"),
                    encrypted: false
                )
                .ChunkSize
        );

    [TestMethod]
    [DataRow(
        "quota = 100GiB\nchunk_size = 200GiB\ncompression = none",
        "[spool] quota: 100GiB is smaller than one chunk (chunk_size = 200GiB); the spool must hold at least one whole chunk"
    )]
    [DataRow(
        "quota = 1GiB\ncompression = none",
        "[spool] quota: 1GiB is smaller than one chunk (chunk_size = 200GiB); the spool must hold at least one whole chunk"
    )]
    [DataRow("quota = 0", "[spool] quota: 0 is out of range: it must be at least 1 bytes")]
    [DataRow("quota = lots", "[spool] quota: \"lots\" is not a size (write e.g. 64MiB, 200GiB or plain bytes)")]
    [DataRow("chunk_size = 0", "[spool] chunk_size: 0 is out of range: it must be from 1 bytes to 5TiB")]
    [DataRow(
        "quota = 10TiB\nchunk_size = 6TiB",
        "[spool] chunk_size: 6TiB is out of range: it must be from 1 bytes to 5TiB"
    )]
    [DataRow("dir = spool", "[spool] dir: \"spool\" is not an absolute path")]
    public void Read_BadValue_RejectedWithExactMessage(string lines, string expected) =>
        AssertRejected("spool", lines, expected, s => SpoolOptions.Read(s, encrypted: false));

    [TestMethod]
    public void Read_QuotaOverrideBelowOneChunk_NamesTheFlag()
    {
        ConfigSection section = Ini.Section("spool", "quota = 450GiB\ncompression = none", ("spool:quota", "1GiB"));

        ConfigAssert.Rejects(
            "configuration: command line --spool.quota: 1GiB is smaller than one chunk (chunk_size = 200GiB); the spool must hold at least one whole chunk",
            () => SpoolOptions.Read(section, encrypted: false)
        );
    }
}
