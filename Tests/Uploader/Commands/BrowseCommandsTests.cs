using System.Security.Cryptography;
using Amazon.S3.Model;
using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Crypto;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Tests.Infrastructure;

namespace BtrfsToS3.Tests.Uploader.Commands;

/// <summary>
/// ls, find and diff on backups made by the real spooler and uploader in the real server: they read catalogs only (the
/// chunks may be gone and they still answer), name what they cannot see, and trust no byte the manifest does not sign.
/// </summary>
[TestClass]
public sealed class BrowseCommandsTests : BtrfsAndS3Test
{
    [TestMethod]
    public void Ls_ChunksGoneFromTheBucket_ListsTheDirectoryFromTheCatalog()
    {
        string config = Config();
        string photos = Path.Combine(_fx.Subvolume("data"), "photos", "2019");
        Directory.CreateDirectory(photos);
        File.WriteAllBytes(Path.Combine(photos, "img_0412.jpg"), RandomNumberGenerator.GetBytes(70_000));
        File.CreateSymbolicLink(Path.Combine(photos, "best.jpg"), "img_0412.jpg");
        BackUpAChange(config);
        DeleteChunks();

        (int code, string output) = ToolRun.Run(UploaderTool, "ls", "data:photos/2019", "-l", "--config", config);

        Assert.AreEqual(ExitCodes.Ok, code, output);
        StringAssert.Matches(
            output,
            new System.Text.RegularExpressions.Regex(@"-rw-r--r-- +0 +0 +70000 .* img_0412\.jpg")
        );
        StringAssert.Contains(output, "best.jpg -> img_0412.jpg");
    }

    [TestMethod]
    public void Ls_NestedSubvolume_ShownAtItsPathAndListedThroughIt()
    {
        string config = Config();
        string images = Path.Combine(_fx.Subvolume("data"), "images");
        Directory.CreateDirectory(images);
        Shell.Run("btrfs", "-q", "subvolume", "create", Path.Combine(images, "vm-100-disk-0"));
        File.WriteAllBytes(Path.Combine(images, "vm-100-disk-0", "disk.raw"), RandomNumberGenerator.GetBytes(4096));
        BackUpAChange(config);

        (int listed, string parent) = ToolRun.Run(UploaderTool, "ls", "data:images", "--config", config);
        (int inside, string nested) = ToolRun.Run(
            UploaderTool,
            "ls",
            "data:images/vm-100-disk-0",
            "-l",
            "--config",
            config
        );
        (int walked, string tree) = ToolRun.Run(UploaderTool, "ls", "data", "-R", "--config", config);

        Assert.AreEqual((0, 0, 0), (listed, inside, walked), parent + nested + tree);
        StringAssert.Contains(parent, "vm-100-disk-0/ (nested subvolume: ls data@data.");
        StringAssert.Matches(nested, new System.Text.RegularExpressions.Regex(@" 4096 .* disk\.raw"));
        StringAssert.Contains(tree, "images/vm-100-disk-0/ (nested subvolume");
    }

    [TestMethod]
    public void FindAndDiff_AFileAddedChangedRenamedAndRemoved_SayWhereEachHappened()
    {
        string config = Config();
        string data = _fx.Subvolume("data");
        File.WriteAllText(Path.Combine(data, "report.txt"), "one");
        string first = BackUp(config);
        File.WriteAllText(Path.Combine(data, "report.txt"), "two, longer");
        string second = BackUp(config);
        File.Move(Path.Combine(data, "report.txt"), Path.Combine(data, "final.txt"));
        string third = BackUp(config);

        (int found, string find) = ToolRun.Run(UploaderTool, "find", "data", "report*", "--config", config);
        (int traced, string history) = ToolRun.Run(
            UploaderTool,
            "find",
            "data",
            "--history",
            "report.txt",
            "--config",
            config
        );
        (int diffed, string diff) = ToolRun.Run(UploaderTool, "diff", second, third, "--config", config);
        (int changed, string modified) = ToolRun.Run(UploaderTool, "diff", first, second, "--config", config);

        Assert.AreEqual((0, 0, 0, 0), (found, traced, diffed, changed), find + history + diff + modified);
        StringAssert.Contains(find, $"report.txt  in 2 snapshots ({first} … {second})");
        StringAssert.Contains(find, $"{second} (modified)");
        StringAssert.Contains(find, $"{third} (removed)");
        StringAssert.Contains(history, $"{first}  added");
        StringAssert.Contains(history, $"{third}  removed");
        StringAssert.Contains(diff, "R report.txt -> final.txt");
        StringAssert.Contains(modified, "M report.txt");
    }

    [TestMethod]
    public void Ls_EncryptedWithoutIdentityThenWithIt_Exit64ThenTheListing()
    {
        AgeIdentity identity = AgeIdentity.Generate();
        string key = Path.Combine(_fx.Dir, "key.txt");
        File.WriteAllText(key, identity.ToSecretText());
        string config = Config($"[encryption]\nrecipients = {identity.Recipient.Text}");
        BackUpAChange(config);

        (int without, string refused) = ToolRun.Run(UploaderTool, "ls", "data", "--config", config);
        (int with, string listed) = ToolRun.Run(UploaderTool, "ls", "data", "--identity", key, "--config", config);

        Assert.AreEqual(ExitCodes.Usage, without, refused);
        StringAssert.Contains(refused, "catalog s3://");
        Assert.AreEqual(ExitCodes.Ok, with, listed);
        StringAssert.Contains(listed, "random.bin");
    }

    [TestMethod]
    public void Ls_CatalogReplacedInTheBucket_Exit65NamingItAndTheHashes()
    {
        string config = Config();
        BackUpAChange(config);
        string catalog = _s3.List("backup/data/").Single(o => o.Key.EndsWith("/catalog", StringComparison.Ordinal)).Key;
        _s3.Client.PutObjectAsync(
                new PutObjectRequest
                {
                    BucketName = _s3.Bucket,
                    Key = catalog,
                    InputStream = new MemoryStream(RandomNumberGenerator.GetBytes(500)),
                }
            )
            .GetAwaiter()
            .GetResult();

        (int code, string output) = ToolRun.Run(UploaderTool, "ls", "data", "--config", config);

        Assert.AreEqual(ExitCodes.DataError, code, output);
        StringAssert.Contains(output, $"catalog s3://{_s3.Bucket}/{catalog}: SHA-256 ");
        StringAssert.Contains(output, "but its manifest says");
    }

    [TestMethod]
    public void LsAndStatus_StreamWithoutACatalog_SayItAndNameIt()
    {
        string config = Config();
        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(Spooler, "--config", config, "--spool.catalog", "no").Code);
        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(UploaderTool, "--config", config).Code);

        (int code, string output) = ToolRun.Run(UploaderTool, "ls", "data", "--config", config);
        string status = ToolRun.Run(UploaderTool, "status", "--config", config).Output;

        Assert.AreEqual(ExitCodes.Unavailable, code, output);
        StringAssert.Contains(output, "has no catalog");
        StringAssert.Contains(status, "catalogs:         0 of 1 streams; none for data.");
    }

    private static string BackUp(string config)
    {
        Thread.Sleep(1100);
        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(Spooler, "--config", config).Code);
        (int code, string output) = ToolRun.Run(UploaderTool, "--config", config);
        Assert.AreEqual(ExitCodes.Ok, code, output);
        return System
            .Text.RegularExpressions.Regex.Match(output, @"stream (data\.[0-9TZ]+): published")
            .Groups[1]
            .Value;
    }

    private void DeleteChunks()
    {
        foreach (
            S3Object chunk in _s3.List("backup/data/").Where(o => o.Key.Contains("/chunk-", StringComparison.Ordinal))
        )
        {
            _s3.Client.DeleteObjectAsync(_s3.Bucket, chunk.Key).GetAwaiter().GetResult();
        }
    }

    private string Config(string extra = "") =>
        _fx.WriteConfig(
            ByteSize.MiB,
            ByteSize.GiB,
            ["data"],
            _s3.ConfigSection(_s3.Endpoint) + "\n[uploader]\nlinger = 0s\n" + extra
        );
}
