namespace BtrfsToS3.Shared.Configuration;

/// <summary>Says where a key's value came from, so that an error names the file or the command-line flag.</summary>
internal sealed record ConfigSource(string File, IReadOnlyDictionary<string, string> Overrides)
{
    public string Where(string section, string key) =>
        Overrides.ContainsKey($"{section}:{key}") ? $"command line --{section}.{key}" : $"{File}: [{section}] {key}";
}
