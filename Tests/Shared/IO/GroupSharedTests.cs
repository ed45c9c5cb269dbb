using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.IO;
using BtrfsToS3.Tests.Infrastructure;

namespace BtrfsToS3.Tests.Shared.IO;

/// <summary>The spool's sharing rule on the real filesystem: group-shared directories, never one reached through a
/// link.</summary>
[TestClass]
public sealed class GroupSharedTests
{
    private TempDirectory _dir = null!;

    [TestInitialize]
    public void CreateDir() => _dir = new TempDirectory("shared");

    [TestCleanup]
    public void RemoveDir() => _dir.Dispose();

    [TestMethod]
    public void CreateDirectory_InASetgidDirectory_InheritsTheGroupAndTheSetgidBit()
    {
        const int group = 65534;
        Assert.AreEqual(0, Mono.Unix.Native.Syscall.chown(_dir.Path, 0, group));
        File.SetUnixFileMode(_dir.Path, (UnixFileMode)Convert.ToInt32("2770", 8));
        string stream = Path.Combine(_dir.Path, "data.20261125T020000Z");

        GroupShared.CreateDirectory(stream);

        Assert.AreEqual(0, Mono.Unix.Native.Syscall.stat(stream, out Mono.Unix.Native.Stat stat));
        Assert.AreEqual((uint)group, stat.st_gid);
        Assert.AreEqual(UnixFileMode.SetGroup, File.GetUnixFileMode(stream) & UnixFileMode.SetGroup);
        Assert.AreEqual(
            (UnixFileMode)0,
            File.GetUnixFileMode(stream)
                & (UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute)
        );
    }

    [TestMethod]
    public void CreateDirectory_SymlinkToADirectoryAtTheName_Refused()
    {
        string elsewhere = Directory.CreateDirectory(Path.Combine(_dir.Path, "elsewhere")).FullName;
        string stream = Path.Combine(_dir.Path, "data.20261125T020000Z");
        Directory.CreateSymbolicLink(stream, elsewhere);

        var failure = Assert.ThrowsExactly<BackupFailure>(() => GroupShared.CreateDirectory(stream));

        StringAssert.StartsWith(failure.Message, $"{stream} is a symbolic link where a directory is to be made");
    }
}
