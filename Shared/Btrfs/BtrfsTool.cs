using System.Globalization;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.IO;

namespace BtrfsToS3.Shared.Btrfs;

/// <summary>
/// The btrfs-progs commands both programs use: the spooler snapshots and sends, restore receives, the cost plan
/// measures. Every failure says which command, on what, and btrfs's own reason.
/// </summary>
internal sealed class BtrfsTool
{
    public const string Executable = "btrfs";

    /// <summary>The subvolume at the path, or null when there is none (missing path, or a plain directory).</summary>
    public async Task<SubvolumeInfo?> ShowAsync(string path, CancellationToken cancellationToken)
    {
        ProcessResult result = await Run(["subvolume", "show", path], cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            return null;
        }

        string? uuid = null;
        string? receivedUuid = null;
        bool readOnly = false;
        foreach (string line in result.StandardOutput.Split('\n'))
        {
            string[] parts = line.Split(':', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2)
            {
                continue;
            }

            switch (parts[0])
            {
                case "UUID":
                    uuid = parts[1];
                    break;
                case "Received UUID":
                    receivedUuid = parts[1] == "-" ? null : parts[1];
                    break;
                case "Flags":
                    readOnly = parts[1].Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains("readonly");
                    break;
            }
        }

        return uuid is null || uuid == "-"
            ? throw new BackupFailure(FailureKind.Unavailable, $"btrfs subvolume show {path}: no UUID in its output")
            : new SubvolumeInfo(uuid, readOnly, receivedUuid);
    }

    public async Task CreateReadOnlySnapshotAsync(string source, string destination, CancellationToken cancellationToken)
    {
        ProcessResult result = await Run(["subvolume", "snapshot", "-r", source, destination], cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new BackupFailure(FailureKind.CannotCreate, $"btrfs subvolume snapshot -r {source} {destination} failed: {result.Reason}");
        }
    }

    public async Task DeleteSubvolumeAsync(string path, CancellationToken cancellationToken)
    {
        ProcessResult result = await Run(["subvolume", "delete", path], cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new BackupFailure(FailureKind.Unavailable, $"btrfs subvolume delete {path} failed: {result.Reason}");
        }
    }

    /// <summary>The btrfs-progs version, e.g. "btrfs-progs v6.2", for the seal and the manifest.</summary>
    public async Task<string> VersionAsync(CancellationToken cancellationToken)
    {
        ProcessResult result = await Run(["--version"], cancellationToken).ConfigureAwait(false);
        return result.ExitCode == 0
            ? result.StandardOutput.Trim().Split('\n')[0]
            : throw new BackupFailure(FailureKind.Unavailable, $"btrfs --version failed: {result.Reason}");
    }

    /// <summary>Bytes the subvolume's files take (<c>btrfs filesystem du</c>), or null with btrfs's reason when it cannot say.</summary>
    public async Task<(long? Bytes, string Reason)> DiskUsageAsync(string path, CancellationToken cancellationToken)
    {
        ProcessResult du = await Run(["filesystem", "du", "-s", "--raw", path], cancellationToken).ConfigureAwait(false);
        string[] lines = du.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return du.ExitCode == 0 && lines.Length >= 2 && long.TryParse(lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture, out long bytes)
            ? (bytes, string.Empty)
            : (null, du.Reason);
    }

    /// <summary>The exact command that produces a stream; it is recorded in the header and seal and run as recorded.</summary>
    public static IReadOnlyList<string> SendCommand(string snapshotPath, string? parentPath) =>
        parentPath is null
            ? [Executable, "send", snapshotPath]
            : [Executable, "send", "-p", parentPath, snapshotPath];

    /// <summary>
    /// <c>btrfs receive</c> into the target, or <c>--dump</c> (null target) to check a stream without receiving it;
    /// run it with <see cref="ProcessRunner.StartWithInput"/>, the stream on its standard input.
    /// </summary>
    public static IReadOnlyList<string> ReceiveCommand(string? target) =>
        target is null ? [Executable, "receive", "--dump"] : [Executable, "receive", target];

    private static Task<ProcessResult> Run(IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        ProcessRunner.RunAsync([Executable, .. arguments], cancellationToken);
}
