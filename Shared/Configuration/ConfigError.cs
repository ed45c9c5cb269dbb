using BtrfsToS3.Shared.Failures;

namespace BtrfsToS3.Shared.Configuration;

/// <summary>Builds the one-line configuration error: where (file and key, or flag), then what is wrong.</summary>
internal static class ConfigError
{
    public static BackupFailure At(string where, string problem) =>
        new(FailureKind.Config, $"configuration: {where}: {problem}");
}
