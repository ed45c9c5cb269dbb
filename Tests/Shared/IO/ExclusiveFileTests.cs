using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.IO;
using BtrfsToS3.Tests.Infrastructure;

namespace BtrfsToS3.Tests.Shared.IO;

/// <summary>Temporary files are made exclusively and never through a symbolic link, on the real filesystem.</summary>
[TestClass]
public sealed class ExclusiveFileTests
{
    private TempDirectory _dir = null!;

    [TestInitialize]
    public void CreateDir() => _dir = new TempDirectory("exclusive");

    [TestCleanup]
    public void RemoveDir() => _dir.Dispose();

    [TestMethod]
    public void Create_SymlinkAtTheName_RefusedNamingItAndTheTargetUntouched()
    {
        string victim = Path.Combine(_dir.Path, "victim");
        File.WriteAllText(victim, "precious");
        string temp = Path.Combine(_dir.Path, "metrics.prom.tmp");
        File.CreateSymbolicLink(temp, victim);

        var failure = Assert.ThrowsExactly<BackupFailure>(() =>
            ExclusiveFile.Create(temp, GroupShared.FileMode).Dispose()
        );

        Assert.AreEqual(FailureKind.CannotCreate, failure.Kind);
        StringAssert.StartsWith(failure.Message, $"{temp} is a symbolic link where a temporary file is to be made");
        Assert.AreEqual("precious", File.ReadAllText(victim));
        Assert.IsNotNull(new FileInfo(temp).LinkTarget, "the link itself is left for a person to see");
    }

    [TestMethod]
    public void Create_DanglingSymlink_RefusedAndNothingMadeWhereItPoints()
    {
        string nowhere = Path.Combine(_dir.Path, "made-through-the-link");
        string temp = Path.Combine(_dir.Path, "chunk-000000.tmp");
        File.CreateSymbolicLink(temp, nowhere);

        Assert.ThrowsExactly<BackupFailure>(() => ExclusiveFile.Create(temp, GroupShared.FileMode).Dispose());

        Assert.IsFalse(File.Exists(nowhere));
    }

    [TestMethod]
    public void Create_LeftoverOfACrash_ReplacedWithExactlyTheMode()
    {
        string temp = Path.Combine(_dir.Path, "stream.json.tmp");
        File.WriteAllText(temp, "half a header");
        const UnixFileMode readable =
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

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
        string final = Path.Combine(_dir.Path, "data.published.json");
        File.WriteAllText(final, "old");
        string victim = Path.Combine(_dir.Path, "victim");
        File.WriteAllText(victim, "precious");
        File.CreateSymbolicLink(final + AtomicFile.TempSuffix, victim);

        Assert.ThrowsExactly<BackupFailure>(() => AtomicFile.Write(final, "new"u8, overwrite: true));

        Assert.AreEqual("old", File.ReadAllText(final));
        Assert.AreEqual("precious", File.ReadAllText(victim));
    }

    [TestMethod]
    public void Write_NewFile_OwnerAndGroupReadWriteNothingForOthers()
    {
        string path = Path.Combine(_dir.Path, "seal.json");

        AtomicFile.Write(path, "{}"u8, overwrite: false);

        Assert.AreEqual(GroupShared.FileMode, File.GetUnixFileMode(path));
    }
}
