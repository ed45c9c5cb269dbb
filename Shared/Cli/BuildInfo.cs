using System.Reflection;

namespace BtrfsToS3.Shared.Cli;

/// <summary>
/// Which build is running: the version set once in Shared/Shared.csproj, and the git commit the SDK appends to the
/// informational version at build time (<c>0.2.0+9f8e…</c>; none for a build outside git). <c>--version</c> prints it,
/// and status, stats.jsonl and every manifest record it, so that a file found years later names the code that wrote it.
/// </summary>
internal static class BuildInfo
{
    private static readonly (string Version, string? Commit) Stamp = Parse(
        typeof(BuildInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? "0.0.0"
    );

    /// <summary>The version, e.g. <c>0.2.0</c>.</summary>
    public static string Version => Stamp.Version;

    /// <summary>The commit's first seven hex digits, as <c>git log --oneline</c> shows it; null when the build knew
    /// none.</summary>
    public static string? Commit => Stamp.Commit;

    /// <summary>The short form written into manifests and stats.jsonl: <c>btrfs_to_s3 0.2.0 (abc1234)</c>.</summary>
    public static string WrittenBy => $"btrfs_to_s3 {Version} ({Commit ?? "commit unknown"})";

    /// <summary>The line <c>--version</c> prints, with the library that talks to S3 where the program has
    /// one.</summary>
    public static string Line(string tool, string? sdk) =>
        $"{tool} {Version} (commit {Commit ?? "unknown"}{(sdk is null ? string.Empty : $", {sdk}")})";

    /// <summary>Splits an informational version at its <c>+</c>; only hex digits after it are taken for a
    /// commit.</summary>
    public static (string Version, string? Commit) Parse(string informational)
    {
        int plus = informational.IndexOf('+', StringComparison.Ordinal);
        if (plus < 0)
        {
            return (informational, null);
        }

        string revision = informational[(plus + 1)..];
        bool hex = revision.Length >= 7 && revision.All(char.IsAsciiHexDigit);
        return (informational[..plus], hex ? revision[..7].ToLowerInvariant() : null);
    }
}
