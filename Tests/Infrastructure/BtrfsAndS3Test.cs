using BtrfsToS3.Shared.Failures;

namespace BtrfsToS3.Tests.Infrastructure;

/// <summary>
/// Base of the tests that run the real programs on a loopback btrfs against a bucket of their own on the local S3
/// server; both are made before each test and removed after it.
/// </summary>
public abstract class BtrfsAndS3Test
{
    protected const string Spooler = "btrfs-to-s3-spooler";
    protected const string UploaderTool = "btrfs-to-s3-uploader";

    private protected BtrfsFixture _fx = null!;
    private protected LocalS3 _s3 = null!;

    /// <summary>MiB of random data in the fixture's data subvolume.</summary>
    protected virtual int DataMiB => 8;

    [TestInitialize]
    public void CreateFixtures()
    {
        _s3 = LocalS3.Create();
        _fx = BtrfsFixture.Create(DataMiB);
    }

    [TestCleanup]
    public void RemoveFixtures()
    {
        _fx?.Dispose();
        _s3?.Dispose();
    }

    /// <summary>A file added to data, a second later (so the snapshot gets a new name), then a spooler and an uploader
    /// run, both exit 0.</summary>
    private protected void BackUpAChange(string config)
    {
        File.WriteAllText(Path.Combine(_fx.Subvolume("data"), $"file-{Guid.NewGuid():N}"), "x");
        Thread.Sleep(1100);
        Assert.AreEqual(ExitCodes.Ok, ToolRun.Run(Spooler, "--config", config).Code);
        (int code, string output) = ToolRun.Run(UploaderTool, "--config", config);
        Assert.AreEqual(ExitCodes.Ok, code, output);
    }
}
