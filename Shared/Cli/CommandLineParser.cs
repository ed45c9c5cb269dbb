using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Failures;

namespace BtrfsToS3.Shared.Cli;

/// <summary>
/// Parses <c>[command] [--config FILE] [--switch ...] [--section.key VALUE ...]</c>. A flag with a dot is a configuration key
/// (validated with the file, so an unknown one is a configuration error); any other unknown flag is a usage error, and
/// so is a known one that the command does not take (it would otherwise be silently ignored).
/// </summary>
/// <param name="commands">Each command, with the switches and value options it takes.</param>
internal sealed class CommandLineParser(
    string defaultCommand,
    IReadOnlyDictionary<string, IReadOnlySet<string>> commands,
    IReadOnlySet<string> switches,
    IReadOnlySet<string>? valueOptions = null)
{
    public CommandLine Parse(IReadOnlyList<string> args)
    {
        string? command = null;
        string config = ConfigLoader.DefaultPath;
        var given = new HashSet<string>(StringComparer.Ordinal);
        var overrides = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);

        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (command is not null || !commands.ContainsKey(arg))
                {
                    throw Usage($"unexpected argument \"{arg}\"");
                }

                command = arg;
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

            if (name == "config" || name.Contains('.', StringComparison.Ordinal))
            {
                string value = inline ?? NextValue(args, ref i, name);
                if (name == "config")
                {
                    config = value;
                }
                else
                {
                    overrides[name.Replace('.', ':')] = value;
                }
            }
            else if (valueOptions?.Contains(name) == true)
            {
                string value = inline ?? NextValue(args, ref i, name);
                if (!values.TryGetValue(name, out List<string>? list))
                {
                    values[name] = list = [];
                }

                list.Add(value);
            }
            else if (switches.Contains(name) && inline is null)
            {
                given.Add(name);
            }
            else
            {
                throw Usage($"unknown option \"{arg}\"");
            }
        }

        command ??= defaultCommand;
        if (given.Concat(values.Keys).FirstOrDefault(o => !commands[command].Contains(o)) is { } misplaced)
        {
            throw Usage($"--{misplaced} is not an option of {command}");
        }

        return new CommandLine(
            command,
            config,
            given,
            overrides,
            values.ToDictionary(v => v.Key, v => (IReadOnlyList<string>)v.Value, StringComparer.Ordinal));
    }

    /// <summary>The next argument as the option's value; another option there means the value was left out.</summary>
    private static string NextValue(IReadOnlyList<string> args, ref int i, string name) =>
        i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : throw Usage($"--{name} needs a value");

    private static BackupFailure Usage(string problem) => new(FailureKind.Usage, $"usage: {problem} (see --help)");
}
