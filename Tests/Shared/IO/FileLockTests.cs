using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.IO;
using BtrfsToS3.Tests.Infrastructure;

namespace BtrfsToS3.Tests.Shared.IO;

/// <summary>Lock files in the group-shared spool: a link at a lock's name is never opened, so root never truncates its
/// target.</summary>
[TestClass]
public sealed class FileLockTests
{
    [TestMethod]
    public void Acquire_SymlinkAtTheName_RefusedAndTheTargetUntouched()
    {
        using var dir = new TempDirectory("lock");
        string victim = dir.File("victim");
        File.WriteAllText(victim, "precious");
        string lockPath = dir.File("spooler.lock");
        File.CreateSymbolicLink(lockPath, victim);

        var failure = Assert.ThrowsExactly<BackupFailure>(() => FileLock.Acquire(lockPath, "spooler").Dispose());

        Assert.AreEqual(FailureKind.CannotCreate, failure.Kind);
        StringAssert.StartsWith(failure.Message, $"lock file {lockPath} is a symbolic link");
        Assert.AreEqual("precious", File.ReadAllText(victim));
        Assert.IsFalse(FileLock.IsHeld(lockPath));
    }
}
