using System.CommandLine;
using System.Text;

namespace BtrfsToS3.Shared.Cli;

/// <summary>
/// A program's man page in section 8, written from its declaration as --help is, so the two say the same: every
/// command with the options it takes, the options of every command, and the notes.
/// </summary>
internal static class ManPage
{
    private const string Package = "btrfs-to-s3";
    private static readonly string[] Programs = ["btrfs-to-s3-spooler", "btrfs-to-s3-uploader"];

    public static string Render(ToolDeclaration tool, string version)
    {
        var page = new StringBuilder();
        void Line(string text) => page.Append(text).Append('\n');
        Line(
            $".\\\" Generated from the declaration of {tool.Name}'s command line ({tool.Name} --man-page); do not edit."
        );
        Line($".TH \"{tool.Name.ToUpperInvariant()}\" \"8\" \"\" \"{Package} {version}\" \"System Administration\"");
        Line(".SH NAME");
        Line($"{Escape(tool.Name)} \\- {Escape(tool.Summary)}");
        Line(".SH SYNOPSIS");
        Line($".B {Escape(tool.Name)}");
        Line($"[\\fIcommand\\fR] [\\fIoptions\\fR] [\\fB{Escape("--SECTION.KEY")}\\fR \\fIVALUE\\fR ...]");
        Line(".br");
        Line($".B {Escape(tool.Name)}");
        Line($"\\fB{Escape("--version")}\\fR | \\fB{Escape("--help")}\\fR");
        Line(".SH DESCRIPTION");
        Line(Escape(tool.Root.Description ?? string.Empty));
        Line(".SH COMMANDS");
        foreach (Command command in tool.Root.Subcommands.Where(c => !c.Hidden))
        {
            Line(".TP");
            // The words a command takes (ls SPEC) follow its name, italic, as in a synopsis.
            Line(
                command.Arguments.Count == 0
                    ? $".B {Escape(command.Name)}"
                    : $".BI {Escape(command.Name)} \" {string.Join(' ', command.Arguments.Select(a => Escape(a.Name)))}\""
            );
            Line(Escape(command.Description ?? string.Empty));
            Option[] own = [.. command.Options.Where(o => !o.Hidden)];
            if (own.Length > 0)
            {
                Line(".RS");
                foreach (Option option in own)
                {
                    Item(page, option);
                }

                Line(".RE");
            }
        }

        Line(".SH OPTIONS");
        Line("Every command takes these.");
        foreach (Option option in tool.Root.Options.Where(o => !o.Hidden))
        {
            Item(page, option);
        }

        Line(".SH NOTES");
        Line(".nf");
        foreach (string note in tool.Notes.TrimEnd('\n').Split('\n'))
        {
            Line(Escape(note));
        }

        Line(".fi");
        Line(".SH FILES");
        Line(".TP");
        Line(".I /etc/btrfs_to_s3.ini");
        Line("the configuration, every key with its default: btrfs_to_s3.ini(5)");
        Line(".SH SEE ALSO");
        Line(".BR btrfs_to_s3.ini (5),");
        foreach (string other in Programs.Where(p => p != tool.Name))
        {
            Line($".BR {Escape(other)} (8),");
        }

        Line($".BR {Escape("btrfs-send")} (8),");
        Line($"/usr/share/doc/{Package}/README.md.gz");
        return page.ToString();
    }

    /// <summary>The option as it is typed, bold, its value italic, then its help.</summary>
    private static void Item(StringBuilder page, Option option)
    {
        string flags = string.Join(
            ", ",
            new[] { option.Name }.Concat(option.Aliases).Select(f => $"\\fB{Escape(f)}\\fR")
        );
        string value = ToolDeclaration.TakesValue(option)
            ? $" \\fI{Escape(option.HelpName ?? "VALUE")}\\fR"
            : string.Empty;
        page.Append(".TP\n")
            .Append(flags)
            .Append(value)
            .Append('\n')
            .Append(Escape(option.Description ?? string.Empty))
            .Append('\n');
    }

    /// <summary>
    /// Text as troff prints it: backslashes and hyphens literal, no line taken for a request, and any character beyond
    /// ASCII (the … of a key) named, as troff reads its input as Latin-1.
    /// </summary>
    public static string Escape(string text)
    {
        var escaped = new StringBuilder();
        foreach (char c in text)
        {
            escaped.Append(
                c switch
                {
                    '\\' => "\\e",
                    '-' => "\\-",
                    > '\x7f' => $"\\[u{(int)c:X4}]",
                    _ => c.ToString(),
                }
            );
        }

        return text.StartsWith('.') || text.StartsWith('\'') ? "\\&" + escaped : escaped.ToString();
    }
}
