using System.CommandLine;
using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Failures;

namespace BtrfsToS3.Shared.Cli;

/// <summary>
/// Parses <c>[command] [--config FILE] [--switch ...] [--section.key VALUE ...]</c> against a program's declaration.
/// System.CommandLine parses the options; this walk, before it, keeps what our command lines have always allowed and it
/// has no word for: the command anywhere on the line (<c>--config FILE status</c>), and any configuration key as an
/// option (<c>--s3.concurrency 32</c>, validated with the file, so an unknown one is a configuration error). It also
/// gives each usage error its one line, in the order of the arguments: an unknown flag, a switch given a value, a value
/// option without one (the next argument an option), a stray argument; then a known flag the command does not take
/// (it would otherwise be silently ignored). A command that declares words (<c>ls SPEC</c>) takes the arguments after
/// its name that are not options as those, and a switch's short form (<c>-l</c>) stands for it.
/// </summary>
internal sealed class CommandLineParser(ToolDeclaration tool)
{
    private static readonly ParserConfiguration Configuration = new()
    {
        ResponseFileTokenReplacer = null,
        EnablePosixBundling = false,
    };

    public CommandLine Parse(IReadOnlyList<string> args)
    {
        Command? command = null;
        var overrides = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var options = new List<string>();
        var flags = new List<Option>();
        var words = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg.Length == 2 && arg[0] == '-' && arg[1] != '-')
            {
                Option alias = tool.OptionNamed(arg) ?? throw Usage($"unknown option \"{arg}\"");
                flags.Add(alias);
                options.Add(alias.Name);
                continue;
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (command is null && tool.CommandNamed(arg) is { } named)
                {
                    command = named;
                }
                else if (command is { Arguments.Count: > 0 })
                {
                    words.Add(arg);
                }
                else
                {
                    throw Usage($"unexpected argument \"{arg}\"");
                }

                continue;
            }

            string name = arg[2..];
            string? inline = null;
            int equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                inline = name[(equals + 1)..];
                name = name[..equals];
            }

            if (name.Contains('.', StringComparison.Ordinal))
            {
                overrides[name.Replace('.', ':')] = inline ?? NextValue(args, ref i, name);
                continue;
            }

            Option option =
                tool.OptionNamed("--" + name) is { } known && (ToolDeclaration.TakesValue(known) || inline is null)
                    ? known
                    : throw Usage($"unknown option \"{arg}\"");
            flags.Add(option);
            options.Add("--" + name);
            if (ToolDeclaration.TakesValue(option))
            {
                options.Add(inline ?? NextValue(args, ref i, name));
            }
        }

        command ??= tool.CommandNamed(tool.DefaultCommand)!;
        Option[] taken = [.. tool.OptionsOf(command)];
        // Commands may each declare an option of one name (--json, with help of their own): a flag is the command's.
        flags = [.. flags.Select(f => taken.FirstOrDefault(o => o.Name == f.Name) ?? f)];
        if (flags.FirstOrDefault(o => !taken.Contains(o)) is { } misplaced)
        {
            throw Usage($"{misplaced.Name} is not an option of {command.Name}");
        }

        // After "--", System.CommandLine takes the words as the command's, whatever they look like.
        ParseResult result = tool.Root.Parse(
            [command.Name, .. options, .. (words.Count > 0 ? ["--", .. words] : Array.Empty<string>())],
            Configuration
        );
        if (result.Errors.Count > 0)
        {
            throw Usage(result.Errors[0].Message);
        }

        var switches = new HashSet<string>(StringComparer.Ordinal);
        var values = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (Option option in flags.Distinct())
        {
            string key = option.Name[2..];
            if (option is Option<string[]> valued)
            {
                values[key] = result.GetValue(valued) ?? [];
            }
            else
            {
                switches.Add(key);
            }
        }

        string config = values.Remove("config", out IReadOnlyList<string>? paths)
            ? paths[^1]
            : ConfigLoader.DefaultPath;
        return new CommandLine(command.Name, config, switches, overrides, values, words);
    }

    /// <summary>The next argument as the option's value; another option there means the value was left out.</summary>
    private static string NextValue(IReadOnlyList<string> args, ref int i, string name) =>
        i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal)
            ? args[++i]
            : throw Usage($"--{name} needs a value");

    private static BackupFailure Usage(string problem) => new(FailureKind.Usage, $"usage: {problem} (see --help)");
}
