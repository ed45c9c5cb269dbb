using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.IO;

namespace BtrfsToS3.Tests.Shared.IO;

/// <summary>Lock files in the group-shared spool: a link at a lock's name is never opened, so root never truncates its target.</summary>
[TestClass]
public sealed class FileLockTests
{
    [TestMethod]
    public void Acquire_SymlinkAtTheName_RefusedAndTheTargetUntouched()
    {
        string dir = Directory.CreateTempSubdirectory("btrfs_to_s3-lock-").FullName;
        try
        {
            string victim = Path.Combine(dir, "victim");
            File.WriteAllText(victim, "precious");
            string lockPath = Path.Combine(dir, "spooler.lock");
            File.CreateSymbolicLink(lockPath, victim);

            var failure = Assert.ThrowsExactly<BackupFailure>(() => FileLock.Acquire(lockPath, "spooler").Dispose());

            Assert.AreEqual(FailureKind.CannotCreate, failure.Kind);
            StringAssert.StartsWith(failure.Message, $"lock file {lockPath} is a symbolic link");
            Assert.AreEqual("precious", File.ReadAllText(victim));
            Assert.IsFalse(FileLock.IsHeld(lockPath));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
