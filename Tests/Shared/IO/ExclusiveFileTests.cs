using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.IO;

namespace BtrfsToS3.Tests.Shared.IO;

/// <summary>Temporary files are made exclusively and never through a symbolic link, on the real filesystem.</summary>
[TestClass]
public sealed class ExclusiveFileTests
{
    private string _dir = null!;

    [TestInitialize]
    public void CreateDir() => _dir = Directory.CreateTempSubdirectory("btrfs_to_s3-exclusive-").FullName;

    [TestCleanup]
    public void RemoveDir() => Directory.Delete(_dir, recursive: true);

    [TestMethod]
    public void Create_SymlinkAtTheName_RefusedNamingItAndTheTargetUntouched()
    {
        string victim = Path.Combine(_dir, "victim");
        File.WriteAllText(victim, "precious");
        string temp = Path.Combine(_dir, "metrics.prom.tmp");
        File.CreateSymbolicLink(temp, victim);

        var failure = Assert.ThrowsExactly<BackupFailure>(() => ExclusiveFile.Create(temp, GroupShared.FileMode).Dispose());

        Assert.AreEqual(FailureKind.CannotCreate, failure.Kind);
        StringAssert.StartsWith(failure.Message, $"{temp} is a symbolic link where a temporary file is to be made");
        Assert.AreEqual("precious", File.ReadAllText(victim));
        Assert.IsNotNull(new FileInfo(temp).LinkTarget, "the link itself is left for a person to see");
    }

    [TestMethod]
    public void Create_DanglingSymlink_RefusedAndNothingMadeWhereItPoints()
    {
        string nowhere = Path.Combine(_dir, "made-through-the-link");
        string temp = Path.Combine(_dir, "chunk-000000.tmp");
        File.CreateSymbolicLink(temp, nowhere);

        Assert.ThrowsExactly<BackupFailure>(() => ExclusiveFile.Create(temp, GroupShared.FileMode).Dispose());

        Assert.IsFalse(File.Exists(nowhere));
    }

    [TestMethod]
    public void Create_LeftoverOfACrash_ReplacedWithExactlyTheMode()
    {
        string temp = Path.Combine(_dir, "stream.json.tmp");
        File.WriteAllText(temp, "half a header");
        const UnixFileMode readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

        using (FileStream stream = ExclusiveFile.Create(temp, readable))
        {
            stream.Write("{}"u8);
        }

        Assert.AreEqual("{}", File.ReadAllText(temp));
        Assert.AreEqual(readable, File.GetUnixFileMode(temp), "the mode is set on the descriptor, whatever the umask");
    }

    [TestMethod]
    public void Write_AtomicFileOverASymlinkedTemp_RefusedAndTheFinalNameUntouched()
    {
        string final = Path.Combine(_dir, "data.published.json");
        File.WriteAllText(final, "old");
        string victim = Path.Combine(_dir, "victim");
        File.WriteAllText(victim, "precious");
        File.CreateSymbolicLink(final + AtomicFile.TempSuffix, victim);

        Assert.ThrowsExactly<BackupFailure>(() => AtomicFile.Write(final, "new"u8, overwrite: true));

        Assert.AreEqual("old", File.ReadAllText(final));
        Assert.AreEqual("precious", File.ReadAllText(victim));
    }

    [TestMethod]
    public void Write_NewFile_OwnerAndGroupReadWriteNothingForOthers()
    {
        string path = Path.Combine(_dir, "seal.json");

        AtomicFile.Write(path, "{}"u8, overwrite: false);

        Assert.AreEqual(GroupShared.FileMode, File.GetUnixFileMode(path));
    }
}
