using System.CommandLine;
using System.Text;

namespace BtrfsToS3.Shared.Cli;

/// <summary>
/// The bash completion script the package installs in /usr/share/bash-completion/completions, written from the
/// declaration: before a command, the commands; after <c>-</c>, the options of the command on the line (the default
/// one when none is named yet); after an option whose value is a FILE or a DIR, files or directories, and nothing
/// after other values (a subvolume or key we cannot list). A script, not a call back into the program at each Tab:
/// the program reads nothing it would need, and the shell needs no process to answer.
/// </summary>
internal static class BashCompletion
{
    public static string Render(ToolDeclaration tool)
    {
        string function = "_" + tool.Name.Replace('-', '_');
        string[] commands = [.. tool.Root.Subcommands.Where(c => !c.Hidden).Select(c => c.Name)];
        Option[] all = [.. tool.AllOptions.Where(o => !o.Hidden)];
        string Flags(IEnumerable<Option> options) =>
            string.Join(' ', options.Where(o => !o.Hidden).Select(o => o.Name).Append("--help"));
        string Values(string helpName) =>
            string.Join(
                '|',
                all.Where(o => ToolDeclaration.TakesValue(o) && o.HelpName == helpName).Select(o => o.Name)
            );
        string others = string.Join(
            '|',
            all.Where(o => ToolDeclaration.TakesValue(o) && o.HelpName is not ("FILE" or "DIR")).Select(o => o.Name)
        );

        var script = new StringBuilder();
        void Line(string text) => script.Append(text).Append('\n');
        Line(
            $"# bash completion for {tool.Name}; generated from its command line's declaration ({tool.Name} --bash-completion)."
        );
        Line($"{function}()");
        Line("{");
        Line("    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} command= word");
        Line("    for word in \"${COMP_WORDS[@]:1:COMP_CWORD-1}\"; do");
        Line("        case $word in");
        Line($"            {string.Join('|', commands)}) command=$word ;;");
        Line("        esac");
        Line("    done");
        void Case(string pattern, string action)
        {
            // A program with no option of a kind has no case for it: an empty pattern is a syntax error.
            if (pattern.Length > 0)
            {
                Line($"        {pattern}) {action}; return ;;");
            }
        }

        Line("    case $prev in");
        Case(Values("FILE"), "compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -f -- \"$cur\")");
        Case(Values("DIR"), "compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -d -- \"$cur\")");
        Case(others, "COMPREPLY=()");
        Line("    esac");
        Line("    local options");
        Line("    case ${command:-" + tool.DefaultCommand + "} in");
        foreach (Command command in tool.Root.Subcommands.Where(c => !c.Hidden))
        {
            Line($"        {command.Name}) options=\"{Flags(tool.OptionsOf(command))}\" ;;");
        }

        Line("    esac");
        Line("    if [[ $cur == -* ]]; then");
        Line("        [[ -n $command ]] || options+=\" --version\"");
        Line("        mapfile -t COMPREPLY < <(compgen -W \"$options\" -- \"$cur\")");
        Line("    elif [[ -z $command ]]; then");
        Line($"        mapfile -t COMPREPLY < <(compgen -W \"{string.Join(' ', commands)}\" -- \"$cur\")");
        Line("    else");
        Line("        COMPREPLY=()");
        Line("    fi");
        Line("}");
        Line($"complete -F {function} {tool.Name}");
        return script.ToString();
    }
}
