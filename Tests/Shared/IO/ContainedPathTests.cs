using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.IO;

namespace BtrfsToS3.Tests.Shared.IO;

[TestClass]
public sealed class ContainedPathTests
{
    private string _root = null!;

    [TestInitialize]
    public void MakeRoot() => _root = Directory.CreateTempSubdirectory("btrfs_to_s3-target-").FullName;

    [TestCleanup]
    public void RemoveRoot() => Directory.Delete(_root, recursive: true);

    [TestMethod]
    public void Join_RelativePath_IsUnderTheRoot() =>
        Assert.AreEqual($"{_root}/root/var/lib/vm", ContainedPath.Join(_root, "root/var/lib/vm", "place"));

    [TestMethod]
    [DataRow("../../etc")]
    [DataRow("/etc")]
    [DataRow("a/../../b")]
    [DataRow("")]
    [DataRow("a//b")]
    public void Join_PathLeavingTheRoot_IsBadData(string relative)
    {
        BackupFailure failure = Assert.ThrowsExactly<BackupFailure>(() => ContainedPath.Join(_root, relative, "place"));

        Assert.AreEqual(FailureKind.BadData, failure.Kind);
        StringAssert.StartsWith(failure.Message, "place: ");
    }

    [TestMethod]
    public void Join_ThroughASymbolicLink_IsBadData()
    {
        string outside = Directory.CreateTempSubdirectory("btrfs_to_s3-outside-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(_root, "root"));
            File.CreateSymbolicLink(Path.Combine(_root, "root", "var"), outside);

            BackupFailure failure = Assert.ThrowsExactly<BackupFailure>(() => ContainedPath.Join(_root, "root/var/lib", "place"));

            StringAssert.Contains(failure.Message, "is a symbolic link");
        }
        finally
        {
            Directory.Delete(outside);
        }
    }
}
