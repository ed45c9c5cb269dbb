using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.IO;

namespace BtrfsToS3.Tests.Shared.IO;

/// <summary>The spool's sharing rule on the real filesystem: group-shared directories, never one reached through a link.</summary>
[TestClass]
public sealed class GroupSharedTests
{
    private string _dir = null!;

    [TestInitialize]
    public void CreateDir() => _dir = Directory.CreateTempSubdirectory("btrfs_to_s3-shared-").FullName;

    [TestCleanup]
    public void RemoveDir() => Directory.Delete(_dir, recursive: true);

    [TestMethod]
    public void CreateDirectory_InASetgidDirectory_InheritsTheGroupAndTheSetgidBit()
    {
        const int group = 65534;
        Mono.Unix.Native.Syscall.chown(_dir, 0, group);
        File.SetUnixFileMode(_dir, (UnixFileMode)Convert.ToInt32("2770", 8));
        string stream = Path.Combine(_dir, "data.20261125T020000Z");

        GroupShared.CreateDirectory(stream);

        Assert.AreEqual(0, Mono.Unix.Native.Syscall.stat(stream, out Mono.Unix.Native.Stat stat));
        Assert.AreEqual((uint)group, stat.st_gid);
        Assert.AreEqual(UnixFileMode.SetGroup, File.GetUnixFileMode(stream) & UnixFileMode.SetGroup);
        Assert.AreEqual((UnixFileMode)0, File.GetUnixFileMode(stream) & (UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute));
    }

    [TestMethod]
    public void CreateDirectory_SymlinkToADirectoryAtTheName_Refused()
    {
        string elsewhere = Directory.CreateDirectory(Path.Combine(_dir, "elsewhere")).FullName;
        string stream = Path.Combine(_dir, "data.20261125T020000Z");
        Directory.CreateSymbolicLink(stream, elsewhere);

        var failure = Assert.ThrowsExactly<BackupFailure>(() => GroupShared.CreateDirectory(stream));

        StringAssert.StartsWith(failure.Message, $"{stream} is a symbolic link where a directory is to be made");
    }
}
