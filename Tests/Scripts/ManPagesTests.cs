using System.CommandLine;
using BtrfsToS3.Shared.Cli;
using BtrfsToS3.Spooler;
using BtrfsToS3.Tests.Infrastructure;
using BtrfsToS3.Uploader;

namespace BtrfsToS3.Tests.Scripts;

/// <summary>
/// The packaged man pages: the programs' own (--man-page, from the declaration of their command line) must name every
/// command and every option with its help; scripts/manpages.py writes btrfs_to_s3.ini(5), which must hold every section
/// and key of the example configuration. So neither can gain one the pages lack.
/// </summary>
[TestClass]
public sealed class ManPagesTests
{
    private static TempDirectory _dir = null!;

    [ClassInitialize]
    public static void Generate(TestContext context)
    {
        _dir = new TempDirectory("man");
        foreach (string program in new[] { SpoolerCommandLine.Tool, UploaderCommandLine.Tool })
        {
            using ToolRun run = ToolRun.Start(program, "--man-page");
            Assert.AreEqual(0, run.WaitForExit(TimeSpan.FromMinutes(1)), run.Output);
            File.WriteAllText(Path.Combine(_dir.Path, program + ".8"), run.StandardOutput);
        }

        Shell.Run(
            "python3",
            SourceTree.File("scripts/manpages.py"),
            "--version",
            "0.0.0-test",
            "--out",
            _dir.Path,
            "--ini",
            SourceTree.File("btrfs_to_s3.ini")
        );
    }

    [ClassCleanup]
    public static void Remove() => _dir.Dispose();

    [TestMethod]
    [DataRow(SpoolerCommandLine.Tool)]
    [DataRow(UploaderCommandLine.Tool)]
    public void ProgramPage_EveryCommandAndOptionOfTheDeclaration_IsThereWithItsHelp(string program)
    {
        ToolDeclaration tool = Declaration(program);
        string page = Page(program + ".8");
        string[] lines = Lines(page);

        foreach (Command command in tool.Root.Subcommands)
        {
            Assert.IsTrue(
                lines.Any(l =>
                    l == ".B " + command.Name || l.StartsWith($".BI {command.Name} ", StringComparison.Ordinal)
                ),
                $"{program}.8 lacks {command.Name}"
            );
            CollectionAssert.Contains(lines, command.Description, $"{program}.8 lacks the help of {command.Name}");
        }

        Option[] options = [.. tool.AllOptions];
        Assert.IsGreaterThan(2, options.Length);
        foreach (Option option in options)
        {
            StringAssert.Contains(page, $"\\fB{option.Name}\\fR", $"{program}.8 lacks {option.Name}");
            CollectionAssert.Contains(lines, option.Description, $"{program}.8 lacks the help of {option.Name}");
        }

        foreach (string note in tool.Notes.Split('\n').Where(l => l.Length > 0))
        {
            CollectionAssert.Contains(lines, note, $"{program}.8 lacks a line of the notes");
        }

        StringAssert.StartsWith(page, ".\\\" Generated from the declaration");
        StringAssert.Contains(page, $".TH \"{program.ToUpperInvariant()}\" \"8\"");
    }

    [TestMethod]
    public void ProgramPage_RenderedByMan_HasNoWarnings()
    {
        foreach (string program in new[] { SpoolerCommandLine.Tool, UploaderCommandLine.Tool })
        {
            (int code, string output, string error) = Shell.TryRun(
                "groff",
                ["-man", "-ww", "-z", "-Tutf8", Path.Combine(_dir.Path, program + ".8")]
            );

            Assert.AreEqual(0, code, output + error);
            Assert.AreEqual(string.Empty, error, program);
        }
    }

    [TestMethod]
    public void IniPage_EverySectionAndKeyOfTheExample_IsThereWithItsDefault()
    {
        string page = Page("btrfs_to_s3.ini.5");
        string[] ini = File.ReadAllLines(SourceTree.File("btrfs_to_s3.ini")).Select(l => l.Trim()).ToArray();

        string[] sections = ini.Where(l => l.StartsWith('[')).ToArray();
        string[] keys = ini.Where(l => l.Length > 0 && !l.StartsWith(';') && !l.StartsWith('[')).ToArray();
        Assert.IsGreaterThan(8, sections.Length);
        Assert.IsGreaterThan(40, keys.Length);
        foreach (string section in sections)
        {
            StringAssert.Contains(page, ".SS " + section);
        }

        foreach (string key in keys)
        {
            string[] parts = key.Split('=', 2);
            string shown =
                $"\\fB{parts[0].Trim()}\\fR =" + (parts[1].Trim().Length > 0 ? " " + parts[1].Trim() : string.Empty);
            CollectionAssert.Contains(Lines(page), shown, $"btrfs_to_s3.ini.5 lacks {key}");
        }
    }

    private static ToolDeclaration Declaration(string program) =>
        program == SpoolerCommandLine.Tool ? SpoolerCommandLine.Declaration : UploaderCommandLine.Declaration;

    /// <summary>A page as its text reads: troff's escaped hyphens and backslashes back as they print.</summary>
    private static string Page(string name) =>
        File.ReadAllText(Path.Combine(_dir.Path, name))
            .Replace("\\-", "-", StringComparison.Ordinal)
            .Replace("\\e", "\\", StringComparison.Ordinal)
            .Replace("\\[u2026]", "…", StringComparison.Ordinal)
            .Replace("\\&", string.Empty, StringComparison.Ordinal);

    private static string[] Lines(string page) => page.Split('\n');
}
