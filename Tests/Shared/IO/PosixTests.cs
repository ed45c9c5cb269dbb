using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.IO;
using BtrfsToS3.Tests.Infrastructure;

namespace BtrfsToS3.Tests.Shared.IO;

/// <summary>The statfs and statvfs answers the tmpfs spool check relies on, from real mounts.</summary>
[TestClass]
public sealed class PosixTests
{
    [TestMethod]
    public void IsTmpfs_TmpfsMount_True()
    {
        using TmpfsMount tmpfs = TmpfsMount.Create("4m");
        string below = Directory.CreateDirectory(Path.Combine(tmpfs.Dir, "spool")).FullName;

        Assert.IsTrue(Posix.IsTmpfs(tmpfs.Dir));
        Assert.IsTrue(Posix.IsTmpfs(below));
    }

    [TestMethod]
    public void IsTmpfs_Proc_False()
    {
        Assert.IsFalse(Posix.IsTmpfs("/proc"));
    }

    [TestMethod]
    public void IsTmpfs_MissingPath_FailsNamingIt()
    {
        BackupFailure failure = Assert.ThrowsExactly<BackupFailure>(() => Posix.IsTmpfs("/nonexistent/spool"));

        StringAssert.Contains(failure.Message, "statfs of /nonexistent/spool failed: No such file or directory");
    }

    [TestMethod]
    public void TotalBytes_TmpfsWithSize_IsItsSize()
    {
        using TmpfsMount tmpfs = TmpfsMount.Create("64m");

        Assert.AreEqual(64 * ByteSize.MiB, Posix.TotalBytes(tmpfs.Dir));
    }

    [TestMethod]
    public void TotalBytes_TmpfsWithoutSizeLimit_IsZero()
    {
        using TmpfsMount tmpfs = TmpfsMount.Create("0");

        Assert.AreEqual(0, Posix.TotalBytes(tmpfs.Dir));
    }
}
