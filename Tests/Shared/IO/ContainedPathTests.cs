using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.IO;
using BtrfsToS3.Tests.Infrastructure;

namespace BtrfsToS3.Tests.Shared.IO;

[TestClass]
public sealed class ContainedPathTests
{
    private TempDirectory _root = null!;

    [TestInitialize]
    public void MakeRoot() => _root = new TempDirectory("target");

    [TestCleanup]
    public void RemoveRoot() => _root.Dispose();

    [TestMethod]
    public void Join_RelativePath_IsUnderTheRoot() =>
        Assert.AreEqual($"{_root.Path}/root/var/lib/vm", ContainedPath.Join(_root.Path, "root/var/lib/vm", "place"));

    [TestMethod]
    [DataRow("../../etc")]
    [DataRow("/etc")]
    [DataRow("a/../../b")]
    [DataRow("")]
    [DataRow("a//b")]
    public void Join_PathLeavingTheRoot_IsBadData(string relative)
    {
        BackupFailure failure = Assert.ThrowsExactly<BackupFailure>(() =>
            ContainedPath.Join(_root.Path, relative, "place")
        );

        Assert.AreEqual(FailureKind.BadData, failure.Kind);
        StringAssert.StartsWith(failure.Message, "place: ");
    }

    [TestMethod]
    public void Join_ThroughASymbolicLink_IsBadData()
    {
        using var outside = new TempDirectory("outside");

        Directory.CreateDirectory(Path.Combine(_root.Path, "root"));
        File.CreateSymbolicLink(Path.Combine(_root.Path, "root", "var"), outside.Path);

        BackupFailure failure = Assert.ThrowsExactly<BackupFailure>(() =>
            ContainedPath.Join(_root.Path, "root/var/lib", "place")
        );

        StringAssert.Contains(failure.Message, "is a symbolic link");
        Assert.IsEmpty(Directory.GetFileSystemEntries(outside.Path), "nothing is made behind the link");
    }
}
