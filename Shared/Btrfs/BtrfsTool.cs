using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.IO;

namespace BtrfsToS3.Shared.Btrfs;

/// <summary>
/// The btrfs-progs commands both programs use: the spooler snapshots and sends, restore receives, the cost plan
/// measures. Every failure says which command, on what, and btrfs's own reason.
/// </summary>
[SuppressMessage(
    "Performance",
    "CA1822:Mark members as static",
    Justification = "The commands that run btrfs are reached through the instance the programs hand to each user"
)]
internal sealed partial class BtrfsTool
{
    public const string Executable = "btrfs";

    private const string FsTree = "<FS_TREE>/";

    /// <summary>The subvolume at the path, or null when there is none (missing path, or a plain directory).</summary>
    public async Task<SubvolumeInfo?> ShowAsync(string path, CancellationToken cancellationToken)
    {
        ProcessResult result = await Run(["subvolume", "show", path], cancellationToken);
        if (result.ExitCode != 0)
        {
            return null;
        }

        string? uuid = null;
        string? parentUuid = null;
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
                case "Parent UUID":
                    parentUuid = parts[1] == "-" ? null : parts[1];
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
            : new SubvolumeInfo(uuid, readOnly, parentUuid, receivedUuid);
    }

    /// <summary>
    /// Every subvolume nested below the one at the path, at any depth, shallowest first. btrfs lists the whole
    /// filesystem with each subvolume's parent; those whose chain of parents leads to this one are below it, and their
    /// paths (relative to the filesystem's top) are made relative to it.
    /// </summary>
    public async Task<IReadOnlyList<NestedSubvolume>> NestedAsync(string path, CancellationToken cancellationToken)
    {
        ProcessResult show = await Run(["subvolume", "show", path], cancellationToken);
        string[] shown = show.StandardOutput.Split('\n');
        string? idText = shown
            .Select(l => l.Split(':', 2, StringSplitOptions.TrimEntries))
            .FirstOrDefault(p => p is ["Subvolume ID", _])
            ?[1];
        if (show.ExitCode != 0 || !long.TryParse(idText, CultureInfo.InvariantCulture, out long id))
        {
            throw new BackupFailure(FailureKind.Unavailable, $"btrfs subvolume show {path} failed: {show.Reason}");
        }

        // The first line is the subvolume's path from the filesystem's top, "/" for the top itself.
        string own = shown[0].Trim() == "/" ? string.Empty : TopRelative(shown[0].Trim());
        IReadOnlyList<ListedSubvolume> all = await ListAsync(path, readOnlyOnly: false, cancellationToken);
        HashSet<long> readOnly = [.. (await ListAsync(path, readOnlyOnly: true, cancellationToken)).Select(s => s.Id)];
        Dictionary<long, ListedSubvolume> byId = all.ToDictionary(s => s.Id);
        var nested = new List<NestedSubvolume>();
        foreach (ListedSubvolume subvolume in all)
        {
            long parent = subvolume.ParentId;
            while (parent != id && byId.TryGetValue(parent, out ListedSubvolume? up))
            {
                parent = up.ParentId;
            }

            string relative =
                own.Length == 0 ? subvolume.Path
                : subvolume.Path.StartsWith(own + "/", StringComparison.Ordinal) ? subvolume.Path[(own.Length + 1)..]
                : string.Empty;
            if (parent == id && relative.Length > 0)
            {
                nested.Add(
                    new NestedSubvolume(relative, subvolume.Uuid, subvolume.ParentUuid, readOnly.Contains(subvolume.Id))
                );
            }
        }

        return [.. nested.OrderBy(n => n.Path.Count(c => c == '/')).ThenBy(n => n.Path, StringComparer.Ordinal)];
    }

    public async Task CreateReadOnlySnapshotAsync(
        string source,
        string destination,
        CancellationToken cancellationToken
    )
    {
        ProcessResult result = await Run(["subvolume", "snapshot", "-r", source, destination], cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new BackupFailure(
                FailureKind.CannotCreate,
                $"btrfs subvolume snapshot -r {source} {destination} failed: {result.Reason}"
            );
        }
    }

    /// <summary>A writable snapshot: a restored subvolume put back where the host had it.</summary>
    public async Task CreateSnapshotAsync(string source, string destination, CancellationToken cancellationToken)
    {
        ProcessResult result = await Run(["subvolume", "snapshot", source, destination], cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new BackupFailure(
                FailureKind.CannotCreate,
                $"btrfs subvolume snapshot {source} {destination} failed: {result.Reason}"
            );
        }
    }

    public async Task DeleteSubvolumeAsync(string path, CancellationToken cancellationToken)
    {
        ProcessResult result = await Run(["subvolume", "delete", path], cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new BackupFailure(FailureKind.Unavailable, $"btrfs subvolume delete {path} failed: {result.Reason}");
        }
    }

    /// <summary>The btrfs-progs version, e.g. "btrfs-progs v6.2", for the seal and the manifest.</summary>
    public async Task<string> VersionAsync(CancellationToken cancellationToken)
    {
        ProcessResult result = await Run(["--version"], cancellationToken);
        return result.ExitCode == 0
            ? result.StandardOutput.Trim().Split('\n')[0]
            : throw new BackupFailure(FailureKind.Unavailable, $"btrfs --version failed: {result.Reason}");
    }

    /// <summary>Bytes the subvolume's files take (<c>btrfs filesystem du</c>), or null with btrfs's reason when it
    /// cannot say.</summary>
    public async Task<(long? Bytes, string Reason)> DiskUsageAsync(string path, CancellationToken cancellationToken)
    {
        ProcessResult du = await Run(["filesystem", "du", "-s", "--raw", path], cancellationToken);
        string[] lines = du.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return
            du.ExitCode == 0
            && lines.Length >= 2
            && long.TryParse(
                lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0],
                CultureInfo.InvariantCulture,
                out long bytes
            )
            ? (bytes, string.Empty)
            : (null, du.Reason);
    }

    /// <summary>
    /// The exact command that produces a stream; it is recorded in the header and seal and run as recorded. Protocol 1
    /// is btrfs send's default, so it is asked for with no flag, which btrfs-progs older than 6.0 would not know.
    /// </summary>
    public static IReadOnlyList<string> SendCommand(string snapshotPath, string? parentPath, SendSettings settings)
    {
        List<string> command = [Executable, "send"];
        if (settings.Protocol != 1)
        {
            command.AddRange(["--proto", settings.Protocol.ToString(CultureInfo.InvariantCulture)]);
        }

        if (settings.CompressedData)
        {
            command.Add("--compressed-data");
        }

        command.AddRange(parentPath is null ? [snapshotPath] : ["-p", parentPath, snapshotPath]);
        return command;
    }

    /// <summary>
    /// The highest send protocol the running kernel sends (/sys/fs/btrfs/features/send_stream_version, since 5.x); 1
    /// where the file is absent.
    /// </summary>
    public static int KernelSendProtocol(string featureFile = "/sys/fs/btrfs/features/send_stream_version") =>
        File.Exists(featureFile)
        && int.TryParse(
            File.ReadAllText(featureFile).Trim(),
            NumberStyles.None,
            CultureInfo.InvariantCulture,
            out int version
        )
            ? version
            : 1;

    /// <summary>
    /// <c>btrfs receive</c> into the target, confined to it by chroot(2) (<c>--chroot</c>), so that no path a stream
    /// names reaches outside it, or <c>--dump</c> (null target) to check a stream without receiving it.
    /// </summary>
    public static IReadOnlyList<string> ReceiveCommand(string? target) =>
        target is null ? [Executable, "receive", "--dump"] : [Executable, "receive", "--chroot", target];

    /// <summary>Starts <c>btrfs send</c> as <see cref="SendCommand"/> made it; its stream is the process's
    /// output.</summary>
    public static BtrfsProcess StartSend(IReadOnlyList<string> command, Action<string> onError) =>
        command.Count >= 2 && command[0] == Executable && command[1] == "send"
            ? BtrfsProcess.Reading(command, onError)
            : throw new ArgumentException($"not a btrfs send command: {string.Join(' ', command)}", nameof(command));

    /// <summary>Starts <see cref="ReceiveCommand"/>; the caller writes the stream to the process's input.</summary>
    public static BtrfsProcess StartReceive(string? target, Action<string> onError) =>
        BtrfsProcess.Writing(ReceiveCommand(target), onError);

    private async Task<IReadOnlyList<ListedSubvolume>> ListAsync(
        string path,
        bool readOnlyOnly,
        CancellationToken cancellationToken
    )
    {
        ProcessResult list = await Run(
            readOnlyOnly
                ? ["subvolume", "list", "-a", "-p", "-r", path]
                : ["subvolume", "list", "-a", "-p", "-u", "-q", path],
            cancellationToken
        );
        if (list.ExitCode != 0)
        {
            throw new BackupFailure(FailureKind.Unavailable, $"btrfs subvolume list {path} failed: {list.Reason}");
        }

        var listed = new List<ListedSubvolume>();
        foreach (string line in list.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            Match match = ListLine().Match(line);
            if (!match.Success)
            {
                throw new BackupFailure(
                    FailureKind.Unavailable,
                    $"btrfs subvolume list {path}: cannot read the line \"{line}\""
                );
            }

            string parentUuid = match.Groups["parent_uuid"].Value;
            listed.Add(
                new ListedSubvolume(
                    long.Parse(match.Groups["id"].Value, CultureInfo.InvariantCulture),
                    long.Parse(match.Groups["parent"].Value, CultureInfo.InvariantCulture),
                    match.Groups["uuid"].Value,
                    parentUuid is "" or "-" ? null : parentUuid,
                    TopRelative(match.Groups["path"].Value)
                )
            );
        }

        return listed;
    }

    /// <summary>btrfs writes paths outside the listed path's subvolume from "&lt;FS_TREE&gt;/"; all are from the
    /// top.</summary>
    private static string TopRelative(string path) =>
        path.StartsWith(FsTree, StringComparison.Ordinal) ? path[FsTree.Length..] : path;

    private static Task<ProcessResult> Run(IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        ProcessRunner.RunAsync([Executable, .. arguments], cancellationToken);

    /// <summary>A line of <c>btrfs subvolume list -a -p [-u -q]</c>; the UUID columns are there only with -u and
    /// -q.</summary>
    [GeneratedRegex(
        @"^ID (?<id>[0-9]+) gen [0-9]+ parent (?<parent>[0-9]+) top level [0-9]+ (parent_uuid (?<parent_uuid>\S+)\s+)?(uuid (?<uuid>\S+) )?path (?<path>.*)$"
    )]
    private static partial Regex ListLine();

    /// <summary>A subvolume as <c>btrfs subvolume list</c> gives it.</summary>
    private sealed record ListedSubvolume(long Id, long ParentId, string Uuid, string? ParentUuid, string Path);
}
