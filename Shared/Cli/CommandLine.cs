namespace BtrfsToS3.Shared.Cli;

/// <summary>A parsed command line: the command, its switches, configuration keys given as <c>--section.key
/// value</c>, and the words after the command that are not options (<see cref="Words"/>).</summary>
internal sealed record CommandLine(
    string Command,
    string ConfigPath,
    IReadOnlySet<string> Switches,
    IReadOnlyDictionary<string, string> Overrides,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Values,
    IReadOnlyList<string>? Words = null
)
{
    public bool Has(string flag) => Switches.Contains(flag);

    public IReadOnlyList<string> ValuesOf(string option) =>
        Values.TryGetValue(option, out IReadOnlyList<string>? values) ? values : [];

    /// <summary>The option's last value, which overrides any before it, or null when it is not given.</summary>
    public string? LastOf(string option) => ValuesOf(option) is [.., string last] ? last : null;
}
