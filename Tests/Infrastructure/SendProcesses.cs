namespace BtrfsToS3.Tests.Infrastructure;

/// <summary>The test filesystems' <c>btrfs send</c> processes, and a <c>btrfs</c> that dies in the middle of a
/// send.</summary>
internal static class SendProcesses
{
    /// <summary>The btrfs send processes running now on a test filesystem (no test runs two spoolers at
    /// once).</summary>
    public static List<int> Running()
    {
        var found = new List<int>();
        foreach (string dir in Directory.GetDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out int pid))
            {
                try
                {
                    string cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                    if (
                        cmdline.StartsWith("btrfs send ", StringComparison.Ordinal)
                        && cmdline.Contains("btrfs_to_s3-test-", StringComparison.Ordinal)
                    )
                    {
                        found.Add(pid);
                    }
                }
                catch (IOException)
                {
                    // The process ended while we looked.
                }
            }
        }

        return found;
    }

    /// <summary>
    /// Writes, into <paramref name="directory"/>, a <c>btrfs</c> that runs the real one but, for <c>send</c>, passes on
    /// only the first <paramref name="bytes"/> bytes of the stream and then dies of SIGKILL, as a send killed by the
    /// OOM killer or a failing disk would. Put the directory first on the spooler's PATH.
    /// </summary>
    public static void WriteDyingBtrfs(string directory, long bytes)
    {
        string real = Shell.Run("bash", "-c", "command -v btrfs").Trim();
        string path = Path.Combine(directory, "btrfs");
        File.WriteAllText(
            path,
            $"""
            #!/bin/bash
            if [ "$1" = send ]; then
                {real} "$@" | head -c {bytes}
                kill -9 $$
            fi
            exec {real} "$@"

            """
        );
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
