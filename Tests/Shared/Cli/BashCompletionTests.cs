using BtrfsToS3.Shared.Cli;
using BtrfsToS3.Spooler;
using BtrfsToS3.Tests.Infrastructure;
using BtrfsToS3.Uploader;

namespace BtrfsToS3.Tests.Shared.Cli;

/// <summary>The completion script as bash runs it at a Tab: COMP_WORDS in, COMPREPLY out.</summary>
[TestClass]
public sealed class BashCompletionTests
{
    private static TempDirectory _dir = null!;

    [ClassInitialize]
    public static void Write(TestContext context)
    {
        _dir = new TempDirectory("completion");
        File.WriteAllText(
            Path.Combine(_dir.Path, UploaderCommandLine.Tool),
            BashCompletion.Render(UploaderCommandLine.Declaration)
        );
        File.WriteAllText(
            Path.Combine(_dir.Path, SpoolerCommandLine.Tool),
            BashCompletion.Render(SpoolerCommandLine.Declaration)
        );
        File.WriteAllText(Path.Combine(_dir.Path, "backup.ini"), string.Empty);
    }

    [ClassCleanup]
    public static void Remove() => _dir.Dispose();

    [TestMethod]
    public void Render_FirstWord_OffersEveryCommand()
    {
        string[] offered = Complete(UploaderCommandLine.Tool, string.Empty);

        CollectionAssert.AreEquivalent(
            UploaderCommandLine.Declaration.Root.Subcommands.Select(c => c.Name).ToArray(),
            offered
        );
    }

    [TestMethod]
    public void Render_PartOfACommand_OffersThoseItStarts() =>
        CollectionAssert.AreEqual(
            new[] { "restore", "run" },
            Complete(UploaderCommandLine.Tool, "r").Order().ToArray()
        );

    [TestMethod]
    [DataRow("restore")]
    [DataRow("status")]
    [DataRow("notify")]
    public void Render_DashAfterACommand_OffersExactlyTheOptionsItTakes(string command)
    {
        ToolDeclaration tool = UploaderCommandLine.Declaration;
        string[] expected = [.. tool.OptionsOf(tool.CommandNamed(command)!).Select(o => o.Name), "--help"];

        string[] offered = Complete(UploaderCommandLine.Tool, command, "--");

        CollectionAssert.AreEquivalent(expected, offered);
    }

    [TestMethod]
    public void Render_DashBeforeAnyCommand_OffersTheDefaultCommandsOptionsAndVersion()
    {
        string[] offered = Complete(UploaderCommandLine.Tool, "--config", "x", "--");

        CollectionAssert.Contains(offered, "--once");
        CollectionAssert.Contains(offered, "--version");
        CollectionAssert.DoesNotContain(offered, "--dry-run");
    }

    [TestMethod]
    public void Render_Spooler_OffersItsOptions() =>
        CollectionAssert.AreEquivalent(new[] { "--full" }, Complete(SpoolerCommandLine.Tool, "--fu"));

    [TestMethod]
    public void Render_AfterAFileOption_OffersFiles() =>
        CollectionAssert.AreEqual(
            new[] { Path.Combine(_dir.Path, "backup.ini") },
            Complete(UploaderCommandLine.Tool, "status", "--config", Path.Combine(_dir.Path, "back"))
        );

    [TestMethod]
    public void Render_AfterAnotherValueOption_OffersNothing() =>
        Assert.IsEmpty(Complete(UploaderCommandLine.Tool, "restore", "--subvolume", string.Empty));

    /// <summary>What the program's completion offers for the words typed, the last being the one completed.</summary>
    private static string[] Complete(string program, params string[] words)
    {
        string function = "_" + program.Replace('-', '_');
        string script =
            $"source \"$1\"; shift; COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1)); {function}; printf '%s\\n' \"${{COMPREPLY[@]}}\"";
        string output = Shell.Run("bash", ["-c", script, "_", Path.Combine(_dir.Path, program), program, .. words]);
        return [.. output.Split('\n').Where(l => l.Length > 0)];
    }
}
