using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.Spool;

namespace BtrfsToS3.Tests.Shared.Spool;

[TestClass]
public sealed class NestedNameTests
{
    [TestMethod]
    [DataRow(
        "var/lib/pve/local-btrfs/images/100/vm-100-disk-0",
        "root.var.lib.pve.local-btrfs.images.100.vm-100-disk-0"
    )]
    [DataRow("images/101/subvol-101-disk-0/srv/my data", "root.images.101.subvol-101-disk-0.srv.my_20data")]
    [DataRow("vm-100-disk-0@snap", "root.vm-100-disk-0_40snap")]
    [DataRow("é", "root._c3_a9")]
    [DataRow("a.b_c", "root.a_2eb_5fc", DisplayName = "the two characters the encoding itself uses are escaped")]
    public void For_Path_IsTheDocumentedName(string path, string expected) =>
        Assert.AreEqual(expected, NestedName.For("root", path));

    [TestMethod]
    public void For_PathsThatLookAlike_GetDistinctNames()
    {
        string[] paths = ["a/b", "a.b", "a_b", "a_2eb", "a-b", "a b", "a/b/c", "a/b.c", "a.b/c"];

        string[] names = [.. paths.Select(p => NestedName.For("root", p))];

        Assert.HasCount(paths.Length, names.Distinct());
    }

    [TestMethod]
    public void For_AnyPath_UsesOnlyCharactersSafeInS3KeysAndFileNames()
    {
        string name = NestedName.For("data", "ünï cödé/@#$%^&*()[]{}<>|\\\"'`~!?:;=+,/\t");

        Assert.IsTrue(name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'), name);
    }

    [TestMethod]
    public void For_NameOfAConfiguredSubvolumeAndAPath_IsNeverAConfiguredName()
    {
        // "root_var" could be a configured name; a nested one always has a '.', which configured names cannot.
        Assert.AreEqual("root.var", NestedName.For("root", "var"));
        Assert.AreNotEqual("root_var", NestedName.For("root", "var"));
    }

    [TestMethod]
    public void For_NameTooLongForASnapshotFileName_IsAConfigurationFailureNamingThePath()
    {
        string path = string.Join('/', Enumerable.Repeat("é", 40));

        BackupFailure failure = Assert.ThrowsExactly<BackupFailure>(() => NestedName.For("root", path));

        Assert.AreEqual(FailureKind.Config, failure.Kind);
        StringAssert.StartsWith(failure.Message, $"nested subvolume {path} in root: its name would be");
    }

    [TestMethod]
    public void TryParse_SnapshotOfANestedSubvolume_GivesItsNameAndTime()
    {
        string name = NestedName.For("root", "var/lib/vm-100-disk-0@snap");
        DateTimeOffset time = new(2026, 12, 2, 2, 0, 0, TimeSpan.Zero);

        Assert.IsTrue(
            SnapshotName.TryParse(SnapshotName.Format(name, time), out string subvolume, out DateTimeOffset parsed)
        );

        Assert.AreEqual(name, subvolume);
        Assert.AreEqual(time, parsed);
        Assert.AreEqual("20261202T020000Z", SnapshotName.Generation(SnapshotName.Format(name, time)));
    }
}
