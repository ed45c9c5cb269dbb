using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.IO;

namespace BtrfsToS3.Spooler.Btrfs;

/// <summary>The btrfs-progs commands the spooler uses. Every failure says which command, on what, and btrfs's own reason.</summary>
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
        bool readOnly = false;
        foreach (string line in result.StandardOutput.Split('\n'))
        {
            string[] parts = line.Split(':', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2)
            {
                continue;
            }

            if (parts[0] == "UUID")
            {
                uuid = parts[1];
            }
            else if (parts[0] == "Flags")
            {
                readOnly = parts[1].Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains("readonly");
            }
        }

        return uuid is null || uuid == "-"
            ? throw new BackupFailure(FailureKind.Unavailable, $"btrfs subvolume show {path}: no UUID in its output")
            : new SubvolumeInfo(uuid, readOnly);
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

    /// <summary>The exact command that produces a stream; it is recorded in the header and seal and run as recorded.</summary>
    public static IReadOnlyList<string> SendCommand(string snapshotPath, string? parentPath) =>
        parentPath is null
            ? [Executable, "send", snapshotPath]
            : [Executable, "send", "-p", parentPath, snapshotPath];

    private static Task<ProcessResult> Run(IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        ProcessRunner.RunAsync([Executable, .. arguments], cancellationToken);
}
