using BtrfsToS3.Shared.Btrfs;
using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Tests.Infrastructure;

namespace BtrfsToS3.Tests.Uploader.Publish;

/// <summary>
/// Two writers on one prefix, for real: a second loopback btrfs (another filesystem UUID) backs up a subvolume of the
/// same name into the same bucket and prefix as the first, as two hosts with the example configuration would.
/// </summary>
[TestClass]
public sealed class PublisherTests : BtrfsAndS3Test
{
    private BtrfsFixture _second = null!;

    protected override int DataMiB => 2;

    [TestInitialize]
    public void CreateSecondHost() => _second = BtrfsFixture.Create(1);

    [TestCleanup]
    public void RemoveSecondHost() => _second?.Dispose();

    [TestMethod]
    public void Run_SecondFilesystemOnTheSamePrefix_Exits78NamingBothAndTouchesNothing()
    {
        string first = Config(_fx);
        BackUpAChange(first);
        string pointerBefore = System.Text.Encoding.UTF8.GetString(_s3.Get("backup/data/pointer.json"));
        int objectsBefore = _s3.List().Count;
        string second = Config(_second);
        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(Spooler, "--config", second).Code);

        (int code, string output) = ToolRun.Run(UploaderTool, "--config", second);

        Assert.AreEqual(ExitCodes.Config, code, output);
        StringAssert.Contains(
            output,
            $"pointer s3://{_s3.Bucket}/backup/data/pointer.json belongs to filesystem {FilesystemId.Of(_fx.Mount)}"
        );
        StringAssert.Contains(output, $"this host's is filesystem {FilesystemId.Of(_second.Mount)}");
        StringAssert.Contains(output, "--take-over data");
        Assert.AreEqual(pointerBefore, System.Text.Encoding.UTF8.GetString(_s3.Get("backup/data/pointer.json")));
        Assert.HasCount(objectsBefore, _s3.List(), "the refused host uploaded or deleted something");
        Assert.HasCount(1, Directory.GetDirectories(_second.Spool), "the refused stream left the spool");
        StringAssert.Contains(
            ToolRun.Run(UploaderTool, "status", "--config", second).Output,
            "NOT this host's filesystem"
        );
        BackUpAChange(first);
    }

    [TestMethod]
    public void Run_TakeOver_PublishesAndTheNewOwnerKeepsTheOldGenerations()
    {
        BackUpAChange(Config(_fx));
        string oldGeneration = Published.ReadPointer(_s3, "data")!.CurrentGeneration;
        string second = Config(_second);
        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(Spooler, "--config", second).Code);

        (int code, string output) = ToolRun.Run(UploaderTool, "--config", second, "--take-over", "data");

        Assert.AreEqual(ExitCodes.Ok, code, output);
        StringAssert.Contains(output, "taken over");
        Pointer pointer = Published.ReadPointer(_s3, "data")!;
        Assert.AreEqual(FilesystemId.Of(_second.Mount)!.ToString(), pointer.Owner.FilesystemUuid);
        Assert.AreEqual(
            oldGeneration,
            pointer.Generations[0].Generation,
            "min_age_days keeps the old host's generation"
        );
        Assert.HasCount(2, pointer.Generations);
        Published.AssertPointerNamesOnlyCompleteStreams(_s3, "data");

        // The old host does not trust the pointer the new one signed, so it prunes nothing of it.
        (int before, string refused) = ToolRun.Run(UploaderTool, "prune", "--config", Config(_fx));
        Assert.AreEqual(ExitCodes.DataError, before, refused);
        StringAssert.Contains(refused, "pointer.json: signed by ed25519:");
        StringAssert.Contains(refused, "which is not trusted");
    }

    [TestMethod]
    public void Run_TakeOverOfAnUnknownSubvolume_IsUsageError()
    {
        (int code, string output) = ToolRun.Run(UploaderTool, "--config", Config(_second), "--take-over", "dat");

        Assert.AreEqual(ExitCodes.Usage, code, output);
        StringAssert.Contains(output, "--take-over wants a configured subvolume (one of data), got \"dat\"");
    }

    private string Config(BtrfsFixture fixture) =>
        fixture.WriteConfig(
            ByteSize.MiB,
            ByteSize.GiB,
            ["data"],
            _s3.ConfigSection(_s3.Endpoint)
                + "\n[uploader]\nlinger = 0s\n[retention]\nkeep_generations = 1\nmin_age_days = 180"
        );
}
