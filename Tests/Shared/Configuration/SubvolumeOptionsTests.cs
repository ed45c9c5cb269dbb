using BtrfsToS3.Shared.Configuration;

namespace BtrfsToS3.Tests.Shared.Configuration;

[TestClass]
public sealed class SubvolumeOptionsTests
{
    private TempIni _ini = null!;

    [TestInitialize]
    public void SetUp() => _ini = new TempIni();

    [TestCleanup]
    public void TearDown() => _ini.Dispose();

    [TestMethod]
    public void ReadAll_Entries_ReturnsEachNameWithItsFullPath()
    {
        IReadOnlyList<SubvolumeOptions> subvolumes = SubvolumeOptions.ReadAll(_ini.Section("subvolumes", "data = /srv/data/data/\nroot = /srv/data/../root"));

        CollectionAssert.AreEqual(
            new[] { new SubvolumeOptions("data", "/srv/data/data"), new SubvolumeOptions("root", "/srv/root") },
            subvolumes.ToArray());
    }

    [TestMethod]
    public void ReadAll_LongestName_Accepted()
    {
        string name = "a" + new string('_', 63);

        Assert.AreEqual(name, SubvolumeOptions.ReadAll(_ini.Section("subvolumes", $"{name} = /srv/x"))[0].Name);
    }

    [TestMethod]
    public void ReadAll_NoEntry_RejectedSinceThereIsNoDefault()
    {
        ConfigSection section = _ini.Section("subvolumes", string.Empty);

        ConfigAssert.Rejects(
            $"configuration: {_ini.File}: [subvolumes] names no subvolume (add lines such as: data = /srv/data/data)",
            () => SubvolumeOptions.ReadAll(section));
    }

    [TestMethod]
    [DataRow("my.data")]
    [DataRow("_data")]
    [DataRow("a_name_of_sixty-five_characters_which_is_one_more_than_allowed_xy")]
    public void ReadAll_BadName_RejectedNotEscaped(string name)
    {
        ConfigSection section = _ini.Section("subvolumes", $"{name} = /srv/x");

        ConfigAssert.Rejects(
            $"configuration: {_ini.File}: [subvolumes] {name}: a subvolume name takes letters, digits, '_' and '-' only, starts with a letter or digit and has at most 64 characters (it names snapshots, streams and S3 keys)",
            () => SubvolumeOptions.ReadAll(section));
    }

    [TestMethod]
    public void ReadAll_RelativePath_Rejected()
    {
        ConfigSection section = _ini.Section("subvolumes", "data = srv/data");

        ConfigAssert.Rejects($"configuration: {_ini.File}: [subvolumes] data: \"srv/data\" is not an absolute path", () => SubvolumeOptions.ReadAll(section));
    }

    [TestMethod]
    public void ReadAll_InlineComment_Rejected()
    {
        ConfigSection section = _ini.Section("subvolumes", "data = /srv/data ; the big one");

        ConfigAssert.Rejects(
            $"configuration: {_ini.File}: [subvolumes] data: \"/srv/data ; the big one\" holds an inline comment; put comments on their own line",
            () => SubvolumeOptions.ReadAll(section));
    }

    [TestMethod]
    public void ReadAll_BadOverride_NamesTheFlag()
    {
        ConfigSection section = _ini.Section("subvolumes", "data = /srv/data", ("subvolumes:data", "srv/data"));

        ConfigAssert.Rejects("configuration: command line --subvolumes.data: \"srv/data\" is not an absolute path", () => SubvolumeOptions.ReadAll(section));
    }
}
