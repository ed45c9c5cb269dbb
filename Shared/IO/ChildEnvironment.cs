using System.Diagnostics;

namespace BtrfsToS3.Shared.IO;

/// <summary>
/// The environment every child process starts with: ours without any AWS_* variable. btrfs needs none, and a
/// [notify] command is someone else's program; neither gets the uploader's S3 keys or the path to its credentials.
/// </summary>
internal static class ChildEnvironment
{
    private const string AwsPrefix = "AWS_";

    public static void RemoveAws(ProcessStartInfo info)
    {
        foreach (
            string name in info.Environment.Keys.Where(k => k.StartsWith(AwsPrefix, StringComparison.Ordinal)).ToList()
        )
        {
            info.Environment.Remove(name);
        }
    }
}
