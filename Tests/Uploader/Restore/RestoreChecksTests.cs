using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Tests.Infrastructure;
using BtrfsToS3.Uploader.Restore;

namespace BtrfsToS3.Tests.Uploader.Restore;

/// <summary>What restore says, before it thaws or downloads anything, when this host's btrfs receive cannot read a
/// stream.</summary>
[TestClass]
public sealed class RestoreChecksTests
{
    [TestMethod]
    [DataRow("btrfs-progs v6.2")]
    [DataRow("btrfs-progs v5.10.1")]
    public void ReceiveProblem_Protocol1Only_None(string progs) =>
        Assert.IsNull(RestoreChecks.ReceiveProblem(ManifestChain.Of("data", (100, 0), (10, 7)), progs));

    [TestMethod]
    [DataRow("btrfs-progs v6.2")]
    [DataRow("btrfs-progs v6.6.3")]
    public void ReceiveProblem_Protocol2WithANewEnoughProgs_None(string progs) =>
        Assert.IsNull(RestoreChecks.ReceiveProblem(Protocol2Chain(), progs));

    [TestMethod]
    [DataRow("btrfs-progs v6.1.3")]
    [DataRow("btrfs-progs v6.0.2")]
    [DataRow("btrfs-progs v5.16.2")]
    public void ReceiveProblem_Protocol2WithAnOlderProgs_OneLineNamingStreamAndVersionNeeded(string progs)
    {
        IReadOnlyList<Manifest> chain = Protocol2Chain();

        string? problem = RestoreChecks.ReceiveProblem(chain, progs);

        Assert.AreEqual(
            $"restore: stream {chain[1].Stream} is btrfs send protocol 2 with compressed data; btrfs receive needs btrfs-progs 6.2 or newer to read it (6.0.2 and 6.2 fixed its receive of compressed extents), and this host has {progs}: install a newer btrfs-progs, then restore again; nothing was thawed or downloaded",
            problem
        );
    }

    [TestMethod]
    public void ReceiveProblem_AProtocolNotKnown_SaysSo()
    {
        IReadOnlyList<Manifest> chain = [ManifestChain.Of("data", (100, 0))[0] with { SendProtocol = 3 }];

        StringAssert.Contains(
            RestoreChecks.ReceiveProblem(chain, "btrfs-progs v9.0"),
            "is btrfs send protocol 3; btrfs_to_s3 knows protocols 1 and 2 only"
        );
    }

    /// <summary>A full of protocol 1 (sent before the setting changed), then an incremental of protocol 2.</summary>
    private static IReadOnlyList<Manifest> Protocol2Chain()
    {
        IReadOnlyList<Manifest> chain = ManifestChain.Of("data", (100, 0), (10, 7));
        return [chain[0], chain[1] with { SendProtocol = 2, CompressedData = true }];
    }
}
