using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Tests.Infrastructure;

namespace BtrfsToS3.Tests.Uploader.Publish;

/// <summary>Generation rollover in S3: old generations go only after a newer full is published, and not before the minimum age.</summary>
[TestClass]
public sealed class GenerationPrunerTests : BtrfsAndS3Test
{
    protected override int DataMiB => 2;

    [TestMethod]
    public void Run_NewFullPublished_DeletesTheOldGenerationOnlyThen()
    {
        string config = Config("min_age_days = 0");
        BackUpAChange(config);
        BackUpAChange(config);
        string oldGeneration = Published.ReadPointer(_s3, "data")!.CurrentGeneration;
        int before = _s3.List($"backup/data/{oldGeneration}/").Count;

        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(Spooler, "--config", config, "--full").Code);
        Assert.HasCount(before, _s3.List($"backup/data/{oldGeneration}/"), "the old generation went before the new full was published");
        (int code, string output) = ToolRun.Run(UploaderTool, "--config", config);

        Assert.AreEqual(ExitCodes.Ok, code, output);
        StringAssert.Contains(output, $"generation {oldGeneration} deleted from S3, {before} objects");
        Pointer pointer = Published.ReadPointer(_s3, "data")!;
        Assert.HasCount(1, pointer.Generations);
        Assert.AreNotEqual(oldGeneration, pointer.CurrentGeneration);
        Assert.IsEmpty(_s3.List($"backup/data/{oldGeneration}/"));
        Published.AssertPointerNamesOnlyCompleteStreams(_s3, "data");
    }

    [TestMethod]
    public void Run_OldGenerationYoungerThanMinimumAge_IsHeldBackWithItsDate()
    {
        string config = Config("min_age_days = 180");
        BackUpAChange(config);
        string oldGeneration = Published.ReadPointer(_s3, "data")!.CurrentGeneration;
        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(Spooler, "--config", config, "--full").Code);

        (int code, string output) = ToolRun.Run(UploaderTool, "--config", config);

        Assert.AreEqual(ExitCodes.Ok, code, output);
        StringAssert.Contains(output, $"generation {oldGeneration} is beyond keep_generations but kept until {DateTime.UtcNow.AddDays(180):yyyy-MM-dd}");
        Assert.HasCount(2, Published.ReadPointer(_s3, "data")!.Generations);
        Assert.IsNotEmpty(_s3.List($"backup/data/{oldGeneration}/"));
    }

    [TestMethod]
    public void Prune_DryRun_SaysWhatWouldGoAndDeletesNothing()
    {
        string config = Config("min_age_days = 180");
        BackUpAChange(config);
        string oldGeneration = Published.ReadPointer(_s3, "data")!.CurrentGeneration;
        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(Spooler, "--config", config, "--full").Code);
        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(UploaderTool, "--config", config).Code);
        int objects = _s3.List().Count;

        (int code, string output) = ToolRun.Run(UploaderTool, "prune", "--dry-run", "--config", config, "--retention.min_age_days", "0");

        Assert.AreEqual(ExitCodes.Ok, code, output);
        StringAssert.Contains(output, $"dry run: subvolume data: generation {oldGeneration} would be deleted");
        Assert.HasCount(objects, _s3.List());
        Assert.HasCount(2, Published.ReadPointer(_s3, "data")!.Generations);
    }

    private string Config(string retention) =>
        _fx.WriteConfig(ByteSize.MiB, ByteSize.GiB, ["data"], _s3.ConfigSection(_s3.Endpoint) + $"\n[uploader]\nlinger = 0s\n[retention]\nkeep_generations = 1\n{retention}");
}
