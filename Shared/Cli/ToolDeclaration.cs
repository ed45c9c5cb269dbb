using System.CommandLine;
using System.CommandLine.Help;

namespace BtrfsToS3.Shared.Cli;

/// <summary>
/// A program's command line, declared once: its commands and their options, each with its help. The parser, --help, the
/// man page and the bash completion are all read from it, so none of them can name an option another lacks.
/// </summary>
/// <param name="Root">The program, named as it is installed, with its commands and the options every command
/// takes.</param>
/// <param name="DefaultCommand">The command run when none is named.</param>
/// <param name="Summary">The man page's one line of NAME; the unit's Description= says the same.</param>
/// <param name="Notes">What follows the options in --help and the man page: overrides, credentials, exit codes.</param>
internal sealed record ToolDeclaration(Command Root, string DefaultCommand, string Summary, string Notes)
{
    public string Name => Root.Name;

    /// <summary>The options a command takes: its own, and those the program declares for every command.</summary>
    public IEnumerable<Option> OptionsOf(Command command) =>
        command
            .Options.Concat(Root.Options.Where(o => o.Recursive && !command.Options.Contains(o)))
            .Where(o => o is not HelpOption and not VersionOption);

    /// <summary>Every option of the program once, in the order of declaration.</summary>
    public IEnumerable<Option> AllOptions =>
        Root
            .Options.Concat(Root.Subcommands.SelectMany(c => c.Options))
            .Where(o => o is not HelpOption and not VersionOption)
            .Distinct();

    /// <summary>The command a name calls, or null.</summary>
    public Command? CommandNamed(string name) => Root.Subcommands.FirstOrDefault(c => c.Name == name);

    /// <summary>The option a flag such as <c>--once</c> names anywhere in the program, or null.</summary>
    public Option? OptionNamed(string flag) =>
        AllOptions.FirstOrDefault(o => o.Name == flag || o.Aliases.Contains(flag));

    /// <summary>Whether an option takes a value (<c>--target DIR</c>) rather than being a switch
    /// (<c>--once</c>).</summary>
    public static bool TakesValue(Option option) => option.Arity.MaximumNumberOfValues > 0;
}
