using System.CommandLine;
using System.CommandLine.Help;
using BtrfsToS3.Shared.Configuration;

namespace BtrfsToS3.Shared.Cli;

/// <summary>
/// The shapes every declaration (ToolDeclaration) is built from, so that both programs' options parse, print and
/// complete alike: a switch takes no value, a value option takes one per occurrence and may be repeated (the commands
/// take the last, or each of them where that makes sense), and every command takes --config and --verbose.
/// </summary>
internal static class CliSymbols
{
    /// <summary>The width --help lays its columns out in, whatever the terminal: the same text in a pipe and in
    /// tests.</summary>
    private const int HelpWidth = 120;

    /// <param name="aliases">Short forms, such as <c>-l</c>, for the switches a person types often.</param>
    public static Option<bool> Switch(string name, string description, params string[] aliases) =>
        new(name, aliases) { Description = description, Arity = ArgumentArity.Zero };

    /// <summary>The words a command takes after its name, such as <c>ls SUBVOLUME[@SNAPSHOT][:PATH]</c>; the command
    /// checks how many it got.</summary>
    public static Argument<string[]> Words(string name, string description) =>
        new(name) { Description = description, Arity = ArgumentArity.ZeroOrMore };

    /// <summary>An option with a value; <paramref name="valueName"/> FILE or DIR also tells the completion what to
    /// offer.</summary>
    public static Option<string[]> Value(string name, string valueName, string description) =>
        new(name)
        {
            Description = description,
            HelpName = valueName,
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
        };

    /// <summary>
    /// The program as the root of its declaration: --config and --verbose for every command, --help (each command's
    /// own) followed by the notes, and --version.
    /// </summary>
    public static Command Root(
        string name,
        string description,
        string notes,
        string versionHelp,
        params Command[] commands
    )
    {
        var help = new HelpOption("--help", "-h")
        {
            Description = "print this help (a command's own after the command) and exit",
        };
        var action = (HelpAction)help.Action!;
        action.MaxWidth = HelpWidth;
        help.Action = new NotesAfterHelp(action, notes);
        Option<string[]> config = Value("--config", "FILE", $"configuration file (default {ConfigLoader.DefaultPath})");
        config.Recursive = true;
        Option<bool> verbose = Switch("--verbose", "log debug messages too");
        verbose.Recursive = true;
        var root = new Command(name, description)
        {
            config,
            verbose,
            help,
            new VersionOption("--version") { Description = versionHelp },
        };
        foreach (Command command in commands)
        {
            root.Subcommands.Add(command);
        }

        return root;
    }
}
