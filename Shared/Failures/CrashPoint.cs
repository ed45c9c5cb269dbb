using Mono.Unix.Native;

namespace BtrfsToS3.Shared.Failures;

/// <summary>
/// Named moments where the crash tests kill the process as kill -9 would (no handler, nothing flushed), to prove that
/// every moment leaves a state the next run completes. Inert unless BTRFS_TO_S3_CRASH_AT names the point; only the
/// tests set it.
/// </summary>
internal static class CrashPoint
{
    private static readonly string? Armed = Environment.GetEnvironmentVariable("BTRFS_TO_S3_CRASH_AT");

    public static void Reached(string name)
    {
        if (Armed == name)
        {
            Syscall.kill(Environment.ProcessId, Signum.SIGKILL);
        }
    }
}
