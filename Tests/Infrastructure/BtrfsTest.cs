namespace BtrfsToS3.Tests.Infrastructure;

/// <summary>Base of the tests that run the real programs on a loopback btrfs made before each test and removed after
/// it.</summary>
public abstract class BtrfsTest
{
    protected const string Spooler = "btrfs-to-s3-spooler";

    private protected BtrfsFixture _fx = null!;

    /// <summary>MiB of random data in the fixture's data subvolume.</summary>
    protected virtual int DataMiB => 8;

    [TestInitialize]
    public void CreateFixture() => _fx = BtrfsFixture.Create(DataMiB);

    [TestCleanup]
    public void RemoveFixture() => _fx?.Dispose();
}
