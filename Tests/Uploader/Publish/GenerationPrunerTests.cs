using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Tests.Infrastructure;

namespace BtrfsToS3.Tests.Uploader.Publish;

/// <summary>Generation rollover in S3: old generations go only after a newer full is published, and not before the
/// minimum age.</summary>
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
        Assert.HasCount(
            before,
            _s3.List($"backup/data/{oldGeneration}/"),
            "the old generation went before the new full was published"
        );
        (int code, string output) = ToolRun.Run(UploaderTool, "--config", config);

        Assert.AreEqual(ExitCodes.Ok, code, output);
        StringAssert.Contains(output, $"generation {oldGeneration} deleted from S3, {before} objects");
        Pointer pointer = Published.ReadPointer(_s3, "data")!;
        Assert.HasCount(1, pointer.Generations);
        Assert.AreNotEqual(oldGeneration, pointer.CurrentGeneration);
        Assert.IsEmpty(_s3.List($"backup/data/{oldGeneration}/"));
        Published.AssertPointerNamesOnlyCompleteStreams(_s3, "data");
    }

    /// <summary>A pointer that names a generation that is not whole must never cost the real ones
    /// (docs/SECURITY.md).</summary>
    [TestMethod]
    public void Prune_KeptGenerationNotWhole_Exits65AndDeletesNothing()
    {
        string config = Config("min_age_days = 0\nprune_in_run = no");
        BackUpAChange(config);
        string oldGeneration = Published.ReadPointer(_s3, "data")!.CurrentGeneration;
        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(Spooler, "--config", config, "--full").Code);
        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(UploaderTool, "--config", config).Code);
        Pointer pointer = Published.ReadPointer(_s3, "data")!;
        string lost = Published.ReadManifest(_s3, pointer.Generations[^1].Manifests[0]).Chunks[0].Key;
        _s3.Client.DeleteObjectAsync(_s3.Bucket, lost).GetAwaiter().GetResult();
        int before = _s3.List($"backup/data/{oldGeneration}/").Count;

        (int code, string output) = ToolRun.Run(UploaderTool, "prune", "--config", config);

        Assert.AreEqual(ExitCodes.DataError, code, output);
        StringAssert.Contains(
            output,
            $"which the pointer keeps, cannot be proven whole (chunk {lost} is missing), so generation {oldGeneration} is not deleted"
        );
        Assert.HasCount(before, _s3.List($"backup/data/{oldGeneration}/"));
        Assert.HasCount(2, Published.ReadPointer(_s3, "data")!.Generations);
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
        StringAssert.Contains(
            output,
            $"generation {oldGeneration} is beyond keep_generations but kept until {DateTime.UtcNow.AddDays(180):yyyy-MM-dd}"
        );
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

        (int code, string output) = ToolRun.Run(
            UploaderTool,
            "prune",
            "--dry-run",
            "--config",
            config,
            "--retention.min_age_days",
            "0"
        );

        Assert.AreEqual(ExitCodes.Ok, code, output);
        StringAssert.Contains(output, $"dry run: subvolume data: generation {oldGeneration} would be deleted");
        Assert.HasCount(objects, _s3.List());
        Assert.HasCount(2, Published.ReadPointer(_s3, "data")!.Generations);
    }

    [TestMethod]
    public void Run_ForeignObjectsUnderTheSubvolumesFolder_AreLeftAloneAndReported()
    {
        string config = Config("min_age_days = 0");
        Put("backup/data/2019-photos/keep.txt");
        BackUpAChange(config);
        string oldGeneration = Published.ReadPointer(_s3, "data")!.CurrentGeneration;
        string[] foreign =
        [
            "backup/data/2019-photos/keep.txt",
            $"backup/data/{oldGeneration}/notes.txt",
            $"backup/data/{oldGeneration}/data.{oldGeneration}/chunk-000000.bak",
            "backup/data/20200101T000000Z/README",
            "backup/data/pointer.json.old",
        ];
        foreach (string key in foreign.Skip(1))
        {
            Put(key);
        }

        Put("backup/data/20200101T000000Z/data.20200101T000000Z/chunk-000000");
        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(Spooler, "--config", config, "--full").Code);

        (int code, string output) = ToolRun.Run(UploaderTool, "--config", config);

        Assert.AreEqual(ExitCodes.Ok, code, output);
        StringAssert.Contains(output, $"generation {oldGeneration} deleted from S3");
        foreach (string key in foreign)
        {
            Assert.IsTrue(_s3.Exists(key), $"{key} is not ours and was deleted");
        }

        Assert.IsFalse(
            _s3.Exists("backup/data/20200101T000000Z/data.20200101T000000Z/chunk-000000"),
            "an unnamed folder of ours, min_age_days old, was kept"
        );
        StringAssert.Contains(output, $"s3://{_s3.Bucket}/backup/data/2019-photos/ holds 1 objects");
        StringAssert.Contains(output, "that are not btrfs_to_s3's");
        Assert.AreEqual(
            1,
            output.Split('\n').Count(l => l.Contains("backup/data/2019-photos/", StringComparison.Ordinal)),
            "a stray was reported more than once in a run"
        );
    }

    [TestMethod]
    public void Run_UnnamedFolderOfOursYoungerThanMinimumAge_IsKept()
    {
        string config = Config("min_age_days = 180");
        BackUpAChange(config);
        Put("backup/data/20200101T000000Z/data.20200101T000000Z/chunk-000000");

        (int code, string output) = ToolRun.Run(UploaderTool, "prune", "--config", config);

        Assert.AreEqual(ExitCodes.Ok, code, output);
        Assert.IsTrue(_s3.Exists("backup/data/20200101T000000Z/data.20200101T000000Z/chunk-000000"));
        StringAssert.Contains(
            output,
            $"generation 20200101T000000Z is beyond keep_generations but kept until {DateTime.UtcNow.AddDays(180):yyyy-MM-dd}"
        );
    }

    private void Put(string key) =>
        _s3
            .Client.PutObjectAsync(
                new Amazon.S3.Model.PutObjectRequest
                {
                    BucketName = _s3.Bucket,
                    Key = key,
                    ContentBody = "not btrfs_to_s3's",
                }
            )
            .GetAwaiter()
            .GetResult();

    private string Config(string retention) =>
        _fx.WriteConfig(
            ByteSize.MiB,
            ByteSize.GiB,
            ["data"],
            _s3.ConfigSection(_s3.Endpoint)
                + $"\n[uploader]\nlinger = 0s\n[retention]\nkeep_generations = 1\n{retention}"
        );
}
