using System.CommandLine;
using BtrfsToS3.Shared.Cli;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Spooler;

namespace BtrfsToS3.Tests.Shared.Cli;

[TestClass]
public sealed class CommandLineParserTests
{
    // Shaped like the uploader's: a default command, one that takes a value option, switches some commands do not take.
    private static readonly CommandLineParser Parser = new(
        new ToolDeclaration(
            CliSymbols.Root(
                "tool",
                "a tool",
                "Exit codes: none\n",
                "print the version",
                new Command("run", "run it") { CliSymbols.Switch("--once", "once") },
                new Command("prune", "prune it") { CliSymbols.Switch("--dry-run", "dry") },
                new Command("restore", "restore it")
                {
                    CliSymbols.Value("--subvolume", "NAME", "which"),
                    CliSymbols.Value("--generation", "G", "when"),
                    CliSymbols.Switch("--dump", "dump"),
                }
            ),
            "run",
            "a tool",
            "Exit codes: none\n"
        )
    );

    [TestMethod]
    public void Parse_NoArguments_DefaultCommandAndDefaultConfig()
    {
        CommandLine line = Parse(string.Empty);

        Assert.AreEqual("run", line.Command);
        Assert.AreEqual("/etc/btrfs_to_s3.ini", line.ConfigPath);
        Assert.IsEmpty(line.Switches);
        Assert.IsEmpty(line.Overrides);
        Assert.IsEmpty(line.Values);
    }

    [TestMethod]
    [DataRow("prune", "prune")]
    [DataRow("restore --subvolume data", "restore")]
    [DataRow("--dry-run prune", "prune", DisplayName = "the command after its switch")]
    [DataRow("run --once", "run", DisplayName = "the default command named")]
    public void Parse_NamedCommand_IsTheCommand(string args, string expected) =>
        Assert.AreEqual(expected, Parse(args).Command);

    [TestMethod]
    [DataRow("--config /srv/backup.ini")]
    [DataRow("--config=/srv/backup.ini")]
    [DataRow("--config /etc/other.ini --config=/srv/backup.ini", DisplayName = "the last one wins")]
    [DataRow("prune --config /srv/backup.ini --dry-run", DisplayName = "any command takes it")]
    public void Parse_Config_IsTheConfigPath(string args) => Assert.AreEqual("/srv/backup.ini", Parse(args).ConfigPath);

    [TestMethod]
    public void Parse_SectionKeyOptions_AreOverridesKeyedSectionColonKey()
    {
        CommandLine line = Parse("--spool.quota 100GiB --s3.endpoint=http://127.0.0.1:9000/?a=b");

        Assert.HasCount(2, line.Overrides);
        Assert.AreEqual("100GiB", line.Overrides["spool:quota"]);
        // Only the first '=' ends the name: the rest is the value.
        Assert.AreEqual("http://127.0.0.1:9000/?a=b", line.Overrides["s3:endpoint"]);
    }

    [TestMethod]
    public void Parse_SameKeyTwiceInAnyCase_LastValueWins()
    {
        CommandLine line = Parse("--spool.quota 100GiB --Spool.Quota 200GiB");

        Assert.HasCount(1, line.Overrides);
        Assert.AreEqual("200GiB", line.Overrides["spool:quota"]);
    }

    [TestMethod]
    public void Parse_ValueOptionRepeated_KeepsEveryValueInOrder()
    {
        CommandLine line = Parse("restore --subvolume data --subvolume=root");

        CollectionAssert.AreEqual(new[] { "data", "root" }, line.ValuesOf("subvolume").ToArray());
        Assert.IsEmpty(line.ValuesOf("generation"));
    }

    [TestMethod]
    public void Parse_Switches_AreSetAndNoOthers()
    {
        CommandLine line = Parse("prune --dry-run --verbose --dry-run");

        Assert.IsTrue(line.Has("dry-run"));
        Assert.IsTrue(line.Has("verbose"));
        Assert.IsFalse(line.Has("once"));
        Assert.HasCount(2, line.Switches);
    }

    [TestMethod]
    [DataRow("--colour", "usage: unknown option \"--colour\" (see --help)")]
    [DataRow("--colour=blue", "usage: unknown option \"--colour=blue\" (see --help)")]
    [DataRow("--once=yes", "usage: unknown option \"--once=yes\" (see --help)", DisplayName = "a switch given a value")]
    [DataRow("--", "usage: unknown option \"--\" (see --help)")]
    public void Parse_UnknownOption_IsAUsageErrorNamingIt(string args, string expected) => AssertUsage(expected, args);

    [TestMethod]
    public void Parse_ValueOptionOfAParserWithoutValueOptions_IsUnknown()
    {
        // The spooler's parser takes no value options at all.
        var parser = new CommandLineParser(SpoolerCommandLine.Declaration);

        BackupFailure failure = Assert.ThrowsExactly<BackupFailure>(() => parser.Parse(["--subvolume", "data"]));

        Assert.AreEqual(FailureKind.Usage, failure.Kind);
        Assert.AreEqual("usage: unknown option \"--subvolume\" (see --help)", failure.Message);
    }

    [TestMethod]
    [DataRow("restore --once", "usage: --once is not an option of restore (see --help)")]
    [DataRow(
        "--dry-run",
        "usage: --dry-run is not an option of run (see --help)",
        DisplayName = "a switch of another command, default command"
    )]
    [DataRow(
        "--subvolume data",
        "usage: --subvolume is not an option of run (see --help)",
        DisplayName = "a value option of another command"
    )]
    [DataRow(
        "--once prune",
        "usage: --once is not an option of prune (see --help)",
        DisplayName = "the switch before the command"
    )]
    public void Parse_OptionTheCommandDoesNotTake_IsAUsageErrorNamingIt(string args, string expected) =>
        AssertUsage(expected, args);

    [TestMethod]
    [DataRow("--config --once", "usage: --config needs a value (see --help)")]
    [DataRow("--config", "usage: --config needs a value (see --help)", DisplayName = "last argument")]
    [DataRow("--spool.quota --once", "usage: --spool.quota needs a value (see --help)")]
    [DataRow("restore --subvolume --dump", "usage: --subvolume needs a value (see --help)")]
    [DataRow("restore --subvolume", "usage: --subvolume needs a value (see --help)", DisplayName = "value option last")]
    public void Parse_ValueOptionFollowedByAnotherOption_NeedsAValue(string args, string expected) =>
        AssertUsage(expected, args);

    [TestMethod]
    [DataRow("run prune", "usage: unexpected argument \"prune\" (see --help)")]
    [DataRow("prune prune", "usage: unexpected argument \"prune\" (see --help)")]
    [DataRow("restore data", "usage: unexpected argument \"data\" (see --help)")]
    [DataRow("backup", "usage: unexpected argument \"backup\" (see --help)", DisplayName = "not a command")]
    public void Parse_SecondOrUnknownPositional_IsAUsageError(string args, string expected) =>
        AssertUsage(expected, args);

    private static CommandLine Parse(string args) =>
        Parser.Parse(args.Split(' ', StringSplitOptions.RemoveEmptyEntries));

    private static void AssertUsage(string expected, string args)
    {
        BackupFailure failure = Assert.ThrowsExactly<BackupFailure>(() => Parse(args));

        Assert.AreEqual(FailureKind.Usage, failure.Kind);
        Assert.AreEqual(expected, failure.Message);
    }
}
