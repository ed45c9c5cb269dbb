using BtrfsToS3.Shared.Configuration;

namespace BtrfsToS3.Tests.Shared.Configuration;

[TestClass]
public sealed class SubvolumeOptionsTests : SectionTest
{
    [TestMethod]
    public void ReadAll_Entries_ReturnsEachNameWithItsFullPath()
    {
        IReadOnlyList<SubvolumeOptions> subvolumes = SubvolumeOptions.ReadAll(
            Ini.Section("subvolumes", "data = /srv/data/data/\nroot = /srv/data/../root")
        );

        CollectionAssert.AreEqual(
            new[] { new SubvolumeOptions("data", "/srv/data/data"), new SubvolumeOptions("root", "/srv/root") },
            subvolumes.ToArray()
        );
    }

    [TestMethod]
    public void ReadAll_LongestName_Accepted()
    {
        string name = "a" + new string('_', 63);

        Assert.AreEqual(name, SubvolumeOptions.ReadAll(Ini.Section("subvolumes", $"{name} = /srv/x"))[0].Name);
    }

    [TestMethod]
    public void ReadAll_NoEntry_RejectedSinceThereIsNoDefault() =>
        AssertRejected(
            "subvolumes",
            string.Empty,
            "[subvolumes] names no subvolume (add lines such as: data = /srv/data/data)",
            s => SubvolumeOptions.ReadAll(s)
        );

    [TestMethod]
    [DataRow("my.data")]
    [DataRow("_data")]
    [DataRow("a_name_of_sixty-five_characters_which_is_one_more_than_allowed_xy")]
    public void ReadAll_BadName_RejectedNotEscaped(string name) =>
        AssertRejected(
            "subvolumes",
            $"{name} = /srv/x",
            $"[subvolumes] {name}: a subvolume name takes letters, digits, '_' and '-' only, starts with a letter or digit and has at most 64 characters (it names snapshots, streams and S3 keys)",
            s => SubvolumeOptions.ReadAll(s)
        );

    [TestMethod]
    public void ReadAll_RelativePath_Rejected() =>
        AssertRejected("subvolumes", "data = srv/data", "[subvolumes] data: \"srv/data\" is not an absolute path", s =>
            SubvolumeOptions.ReadAll(s)
        );

    [TestMethod]
    public void ReadAll_InlineComment_Rejected() =>
        AssertRejected(
            "subvolumes",
            "data = /srv/data ; the big one",
            "[subvolumes] data: \"/srv/data ; the big one\" holds an inline comment; put comments on their own line",
            s => SubvolumeOptions.ReadAll(s)
        );

    [TestMethod]
    public void ReadAll_BadOverride_NamesTheFlag()
    {
        ConfigSection section = Ini.Section("subvolumes", "data = /srv/data", ("subvolumes:data", "srv/data"));

        ConfigAssert.Rejects(
            "configuration: command line --subvolumes.data: \"srv/data\" is not an absolute path",
            () => SubvolumeOptions.ReadAll(section)
        );
    }
}
