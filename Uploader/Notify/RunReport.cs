using System.Globalization;
using BtrfsToS3.Shared.Cli;
using BtrfsToS3.Uploader.Upload;

namespace BtrfsToS3.Uploader.Notify;

/// <summary>
/// The one paragraph a notification carries: what ran where, what it moved, how long, how it ended and, for a failure,
/// the line that says why; enough to act on from a phone without opening the journal.
/// </summary>
internal static class RunReport
{
    public static string Started(string host) =>
        $"btrfs-to-s3-uploader on {host} started a backup run ({BuildInfo.WrittenBy}).";

    /// <param name="run">The run's stats line, or null when it ended before it could write one (e.g. a configuration
    /// error).</param>
    /// <param name="failure">The last error line the run logged, quoted when it failed.</param>
    public static string Ended(string host, int code, TimeSpan elapsed, RunStats? run, string? failure)
    {
        string moved = run is null
            ? "nothing was uploaded"
            : string.Create(
                CultureInfo.InvariantCulture,
                $"{run.Chunks} chunks, {ByteSize.Human(run.Bytes)} uploaded at {run.MbPerS:0.0} MB/s, {run.StreamsPublished} streams published"
            );
        string why =
            code == ExitCodes.Ok ? string.Empty
            : failure is null ? " See its log: journalctl -u btrfs-to-s3-uploader."
            : $" Failing line: {failure}";
        return string.Create(
            CultureInfo.InvariantCulture,
            $"btrfs-to-s3-uploader on {host} ended a backup run with exit {code} ({ExitCodes.Meaning(code)}) after {elapsed.TotalSeconds:0} s: {moved}.{why} ({BuildInfo.WrittenBy})"
        );
    }

    /// <summary>What btrfs-to-s3-notify@.service says of a unit that failed, from what systemd tells it
    /// (MONITOR_*).</summary>
    public static string UnitFailed(string unit, string host, string? result, string? exitStatus)
    {
        string how = (result, exitStatus) switch
        {
            (null, _) => string.Empty,
            ("exit-code", { } status) when int.TryParse(status, CultureInfo.InvariantCulture, out int code) =>
                $" with exit {code} ({ExitCodes.Meaning(code)})",
            ({ } r, { } status) => $" ({r}, {status})",
            ({ } r, null) => $" ({r})",
        };
        return $"{unit} failed on {host}{how}. See its log: journalctl -u {unit}.";
    }
}
