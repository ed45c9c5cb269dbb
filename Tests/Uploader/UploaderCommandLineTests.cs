using System.CommandLine;
using BtrfsToS3.Shared.Cli;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Tests.Infrastructure;
using BtrfsToS3.Uploader;

namespace BtrfsToS3.Tests.Uploader;

/// <summary>
/// The uploader's declaration, seen as a user meets it: --help of the program and of each command, and the command
/// lines of the README, the units and the scripts, parsed as before.
/// </summary>
[TestClass]
public sealed class UploaderCommandLineTests
{
    private static readonly ToolDeclaration Tool = UploaderCommandLine.Declaration;

    [TestMethod]
    public void Help_Program_ListsEveryCommandTheOptionsAndTheExitCodes()
    {
        string help = Help("--help");

        foreach (Command command in Tool.Root.Subcommands)
        {
            Assert.IsTrue(
                OptionLines(help).Any(l => l.StartsWith(command.Name + " ", StringComparison.Ordinal)),
                $"--help lacks {command.Name}\n{help}"
            );
        }

        foreach (string option in new[] { "--config", "--verbose", "--help", "--version" })
        {
            StringAssert.Contains(help, option);
        }

        StringAssert.Contains(help, "--SECTION.KEY VALUE");
        StringAssert.Contains(help, "Exit codes:");
    }

    [TestMethod]
    public void Help_EachCommand_ListsEveryOptionItTakesAndNoOther()
    {
        foreach (Command command in Tool.Root.Subcommands)
        {
            string help = Help(command.Name, "--help");
            string[] listed = [.. OptionLines(help).Where(l => l.StartsWith('-'))];

            foreach (Option option in Tool.OptionsOf(command))
            {
                Assert.IsTrue(
                    listed.Any(l => Names(l, option.Name)),
                    $"{command.Name} --help lacks {option.Name}\n{help}"
                );
            }

            // Commands may each declare an option of one name (--json): the name is what --help shows.
            foreach (Option other in Tool.AllOptions.Where(o => Tool.OptionsOf(command).All(t => t.Name != o.Name)))
            {
                Assert.IsFalse(
                    listed.Any(l => Names(l, other.Name)),
                    $"{command.Name} --help lists {other.Name}\n{help}"
                );
            }

            StringAssert.Contains(help, "Exit codes:");
        }
    }

    /// <summary>Whether a help line names the option: <c>--once</c>, or its short form first (<c>-l,
    /// --long</c>).</summary>
    private static bool Names(string line, string name) =>
        line.StartsWith(name + " ", StringComparison.Ordinal)
        || line.Contains(", " + name + " ", StringComparison.Ordinal);

    [TestMethod]
    [DataRow("run --once --config /etc/btrfs_to_s3.ini", "run", DisplayName = "README")]
    [DataRow("--config /etc/btrfs_to_s3.ini", "run", DisplayName = "the default command")]
    [DataRow("--config /etc/btrfs_to_s3.ini status --max-age 9d", "status", DisplayName = "the command after --config")]
    [DataRow(
        "notify --unit btrfs-to-s3-spooler.service --config /etc/btrfs_to_s3.ini",
        "notify",
        DisplayName = "btrfs-to-s3-notify@.service"
    )]
    [DataRow("plan --config /etc/btrfs_to_s3.ini --size data=5TiB --size root=1TiB --weekly-change 2", "plan")]
    [DataRow(
        "restore --subvolume data --target /mnt --identity key.txt --trust ed25519:a --trust ed25519:b --as-of now --dump --last",
        "restore"
    )]
    [DataRow("prune --dry-run --profile pruner --allow-unsigned", "prune")]
    [DataRow("run --once --take-over data --take-over home --verbose", "run")]
    [DataRow("ls data@20261202T020000Z:photos/2019 -l -R --identity key.txt", "ls")]
    [DataRow("find data img_04*.jpg --json", "find")]
    [DataRow("diff data.20261125T020000Z data.20261202T020000Z", "diff")]
    public void Parse_CommandLinesInUse_TheirCommandAndNoError(string args, string command) =>
        Assert.AreEqual(command, Parse(args).Command);

    [TestMethod]
    public void Parse_WordsAndShortSwitches_TheCommandsWordsInOrderAndTheSwitchesByTheirNames()
    {
        CommandLine line = Parse("ls -l data@20261202T020000Z:photos --config c.ini -R");

        CollectionAssert.AreEqual(new[] { "data@20261202T020000Z:photos" }, line.Words!.ToArray());
        Assert.IsTrue(line.Has("long") && line.Has("recursive"));
        Assert.AreEqual("c.ini", line.ConfigPath);
    }

    [TestMethod]
    public void Parse_AWordForACommandWithoutWords_UsageError()
    {
        BackupFailure failure = Assert.ThrowsExactly<BackupFailure>(() => Parse("status data"));

        Assert.AreEqual("usage: unexpected argument \"data\" (see --help)", failure.Message);
    }

    [TestMethod]
    public void Parse_RepeatableOptions_KeepEveryValueInOrder()
    {
        CommandLine line = Parse("restore --subvolume data --trust ed25519:a --trust=ed25519:b");

        CollectionAssert.AreEqual(new[] { "ed25519:a", "ed25519:b" }, line.ValuesOf("trust").ToArray());
        CollectionAssert.AreEqual(new[] { "data" }, line.ValuesOf("subvolume").ToArray());
    }

    [TestMethod]
    public void Parse_OverridesOfAnySectionAroundTheCommand_AreKeptAsBefore()
    {
        CommandLine line = Parse("--s3.concurrency 32 status --spool.quota=1GiB --json --restore.tier Bulk");

        Assert.AreEqual("status", line.Command);
        Assert.IsTrue(line.Has("json"));
        Assert.AreEqual("32", line.Overrides["s3:concurrency"]);
        Assert.AreEqual("1GiB", line.Overrides["spool:quota"]);
        Assert.AreEqual("Bulk", line.Overrides["restore:tier"]);
    }

    [TestMethod]
    public void Parse_EveryOptionOnEveryCommand_TakenOrRefusedAsTheDeclarationSays()
    {
        foreach (Command command in Tool.Root.Subcommands)
        {
            Option[] taken = [.. Tool.OptionsOf(command)];
            foreach (Option option in Tool.AllOptions)
            {
                string[] args = ToolDeclaration.TakesValue(option)
                    ? [command.Name, option.Name, "v"]
                    : [command.Name, option.Name];
                if (taken.Any(t => t.Name == option.Name))
                {
                    Assert.AreEqual(command.Name, new CommandLineParser(Tool).Parse(args).Command);
                }
                else
                {
                    BackupFailure failure = Assert.ThrowsExactly<BackupFailure>(() =>
                        new CommandLineParser(Tool).Parse(args)
                    );
                    Assert.AreEqual(FailureKind.Usage, failure.Kind);
                    Assert.AreEqual(
                        $"usage: {option.Name} is not an option of {command.Name} (see --help)",
                        failure.Message
                    );
                }
            }
        }
    }

    [TestMethod]
    [DataRow("--help", "Commands:")]
    [DataRow("-h", "Commands:")]
    [DataRow("restore --subvolume data --help", "--pointer-version")]
    [DataRow("--colour --help", "Commands:", DisplayName = "help wins over a bad option, as before")]
    public void Run_Help_PrintsHelpAndExits0(string args, string expected)
    {
        (int code, string output) = ToolRun.Run(UploaderCommandLine.Tool, args.Split(' '));

        Assert.AreEqual(ExitCodes.Ok, code, output);
        StringAssert.Contains(output, expected);
    }

    [TestMethod]
    [DataRow("--colour", "usage: unknown option \"--colour\" (see --help)")]
    [DataRow("status --once", "usage: --once is not an option of status (see --help)")]
    [DataRow("restore --profile p", "usage: --profile is not an option of restore (see --help)")]
    [DataRow("--once=yes", "usage: unknown option \"--once=yes\" (see --help)")]
    [DataRow("status --max-age", "usage: --max-age needs a value (see --help)")]
    public void Run_UnknownOrMisplacedOption_Exits64WithOneLine(string args, string expected)
    {
        (int code, string output) = ToolRun.Run(
            UploaderCommandLine.Tool,
            [.. args.Split(' '), "--config", "/nonexistent/btrfs_to_s3.ini"]
        );

        Assert.AreEqual(ExitCodes.Usage, code, output);
        Assert.HasCount(
            1,
            output.Split('\n').Where(l => l.Contains(" fail: ", StringComparison.Ordinal)).ToArray(),
            output
        );
        StringAssert.Contains(output, expected);
    }

    private static CommandLine Parse(string args) => new CommandLineParser(Tool).Parse(args.Split(' '));

    private static string Help(params string[] args)
    {
        using ToolRun run = ToolRun.Start(UploaderCommandLine.Tool, args);
        Assert.AreEqual(ExitCodes.Ok, run.WaitForExit(TimeSpan.FromMinutes(1)), run.Output);
        return run.StandardOutput;
    }

    /// <summary>The help's lines as a column starts them: an option or a command first.</summary>
    private static IEnumerable<string> OptionLines(string help) => help.Split('\n').Select(l => l.TrimStart());
}
