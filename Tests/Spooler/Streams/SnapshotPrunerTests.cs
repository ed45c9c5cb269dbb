using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.Spool;
using BtrfsToS3.Tests.Infrastructure;

namespace BtrfsToS3.Tests.Spooler.Streams;

/// <summary>Local snapshot retention, through the spooler on real btrfs.</summary>
[TestClass]
public sealed class SnapshotPrunerTests : BtrfsTest
{
    protected override int DataMiB => 1;

    private string[] _extra = [];

    [TestMethod]
    public void Prune_Minimal_KeepsOnlyTheParentAndWhatTheSpoolNeeds()
    {
        string config = _fx.WriteConfig(ByteSize.MiB, ByteSize.GiB, ["data"]);
        Shell.Run(
            "btrfs",
            "subvolume",
            "snapshot",
            "-r",
            _fx.Subvolume("data"),
            Path.Combine(_fx.Snapshots, "data-by-hand")
        );
        Directory.CreateDirectory(Path.Combine(_fx.Snapshots, "notes"));
        string first = RunAndPublish(config);
        string second = RunAndPublish(config);

        string third = Run(config);

        CollectionAssert.AreEquivalent(new[] { second, third, "data-by-hand", "notes" }, SnapshotNames());
        Assert.IsFalse(SnapshotNames().Contains(first));
    }

    [TestMethod]
    public void Prune_KeepLast2_KeepsTheTwoNewestPublished()
    {
        string config = _fx.WriteConfig(ByteSize.MiB, ByteSize.GiB, ["data"]);
        _extra = ["--snapshots.retention", "keep_last:2"];
        string first = RunAndPublish(config);
        string second = RunAndPublish(config);
        string third = RunAndPublish(config);

        string fourth = Run(config);

        CollectionAssert.AreEquivalent(new[] { second, third, fourth }, SnapshotNames());
        Assert.IsFalse(SnapshotNames().Contains(first));
    }

    [TestMethod]
    public void Prune_NothingPublished_DeletesNothing()
    {
        string config = _fx.WriteConfig(ByteSize.MiB, ByteSize.GiB, ["data"]);
        string first = Run(config);
        Directory.Delete(Path.Combine(_fx.Spool, first), recursive: true);

        string second = Run(config);

        CollectionAssert.AreEquivalent(new[] { first, second }, SnapshotNames());
    }

    private string Run(string config)
    {
        Thread.Sleep(1100);
        (int code, string output) = ToolRun.Run(Spooler, ["--config", config, .. _extra]);
        Assert.AreEqual(ExitCodes.Ok, code, output);
        return Path.GetFileName(Directory.GetDirectories(_fx.Spool, "data.*").Single());
    }

    private string RunAndPublish(string config)
    {
        string stream = Run(config);
        Published.Record(_fx, SendStreams.ReadSeal(Path.Combine(_fx.Spool, stream)));
        return stream;
    }

    private string[] SnapshotNames() =>
        [.. Directory.GetDirectories(_fx.Snapshots).Select(Path.GetFileName).OfType<string>()];
}
