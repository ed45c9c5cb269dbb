using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.Hashing;
using BtrfsToS3.Shared.IO;
using BtrfsToS3.Shared.Spool;
using BtrfsToS3.Spooler.Btrfs;
using BtrfsToS3.Spooler.Chunking;
using BtrfsToS3.Spooler.Streams;
using Microsoft.Extensions.Logging;

namespace BtrfsToS3.Spooler;

/// <summary>
/// One spooler run under its lock: finish or discard what a crashed run left, then one stream per subvolume.
/// A subvolume that fails is logged and the others still run; the exit code is the worst outcome.
/// </summary>
internal sealed class SpoolerRun(BackupOptions options, BtrfsTool btrfs, TimeProvider time, ILogger logger, TimeSpan quotaPoll)
{
    public async Task<int> RunAsync(bool forceFull, CancellationToken cancellationToken)
    {
        using FileLock spoolerLock = FileLock.Acquire(Path.Combine(options.Spool.Dir, SpoolLayout.SpoolerLock), "spooler");
        string btrfsVersion = await btrfs.VersionAsync(cancellationToken).ConfigureAwait(false);
        string kernelVersion = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        var gate = new QuotaGate(options.Spool.Dir, options.Spool.Quota, quotaPoll, time, logger);
        var sender = new StreamSender(options, gate, btrfsVersion, kernelVersion, time, logger);
        var planner = new StreamPlanner(options, btrfs, time);
        var pruner = new SnapshotPruner(options, btrfs, logger);

        (IReadOnlyList<SpoolStream> streams, IReadOnlyList<string> strays) = SpoolInventory.Scan(options.Spool.Dir);
        foreach (string stray in strays)
        {
            Log.StraySpoolEntry(logger, stray);
        }

        int code = ExitCodes.Ok;
        foreach (SubvolumeOptions subvolume in options.Subvolumes)
        {
            try
            {
                List<SpoolStream> own = streams.Where(s => s.Subvolume == subvolume.Name).ToList();
                await SpoolSubvolumeAsync(subvolume, own, planner, sender, forceFull, cancellationToken).ConfigureAwait(false);
                await pruner.PruneAsync(subvolume, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException && ExitCodes.For(e) != ExitCodes.Software)
            {
                Log.SubvolumeFailed(logger, subvolume.Name, e.Message);
                code = ExitCodes.Worst(code, ExitCodes.For(e));
            }
        }

        return code;
    }

    private async Task SpoolSubvolumeAsync(
        SubvolumeOptions subvolume,
        List<SpoolStream> inSpool,
        StreamPlanner planner,
        StreamSender sender,
        bool forceFull,
        CancellationToken cancellationToken)
    {
        SpoolStream? sealedStream = inSpool.FirstOrDefault(s => s.IsSealed);
        if (sealedStream is not null)
        {
            Log.WaitingForUpload(logger, subvolume.Name, sealedStream.Name);
            return;
        }

        foreach (SpoolStream unsealed in inSpool)
        {
            // The snapshot is made before its stream directory, so an unsealed stream always names a snapshot of ours.
            StreamHeader? resumable = unsealed.HasHeader ? await ResumableHeaderAsync(unsealed, cancellationToken).ConfigureAwait(false) : null;
            if (resumable is null)
            {
                await AbandonAsync(unsealed.Dir, unsealed.Name, cancellationToken).ConfigureAwait(false);
                continue;
            }

            Log.ResendingUnsealed(logger, unsealed.Name);
            await SendOrAbandonAsync(sender, resumable, cancellationToken).ConfigureAwait(false);
            return;
        }

        string snapshotName = NewSnapshotName(subvolume.Name);
        StreamPlan plan = await planner.PlanAsync(subvolume, snapshotName, forceFull, cancellationToken).ConfigureAwait(false);
        Log.StreamPlanned(logger, subvolume.Name, plan.Kind.ToString().ToLowerInvariant(), plan.Reason);

        string snapshotPath = Path.Combine(options.Snapshots.Dir, snapshotName);
        await btrfs.CreateReadOnlySnapshotAsync(subvolume.Path, snapshotPath, cancellationToken).ConfigureAwait(false);
        SubvolumeInfo snapshot = await btrfs.ShowAsync(snapshotPath, cancellationToken).ConfigureAwait(false)
            ?? throw new BackupFailure(FailureKind.Unavailable, $"snapshot {snapshotPath} was created but btrfs cannot show it");
        Log.SnapshotCreated(logger, snapshotPath, snapshot.Uuid);

        string streamDir = Path.Combine(options.Spool.Dir, snapshotName);
        Directory.CreateDirectory(streamDir, AtomicFile.OwnerOnlyDirectory);
        Posix.FsyncDirectory(options.Spool.Dir);
        string? parentPath = plan.Parent is null ? null : Path.Combine(options.Snapshots.Dir, plan.Parent.Name);
        var header = new StreamHeader(
            SpoolLayout.FormatVersion,
            snapshotName,
            subvolume.Name,
            plan.Kind,
            new SnapshotRef(snapshotName, snapshot.Uuid),
            plan.Parent,
            plan.Generation,
            plan.ChainPosition,
            options.Spool.ChunkSize,
            options.S3.PartSize,
            BtrfsTool.SendCommand(snapshotPath, parentPath),
            time.GetUtcNow());
        SpoolFiles.Write(Path.Combine(streamDir, SpoolLayout.Header), header, FormatJson.Default.StreamHeader, overwrite: false);
        await SendOrAbandonAsync(sender, header, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The header of an unsealed stream, if the same stream can be sent again: its snapshot and parent are still there
    /// with the recorded UUIDs. Otherwise null, and the stream is abandoned.
    /// </summary>
    private async Task<StreamHeader?> ResumableHeaderAsync(SpoolStream stream, CancellationToken cancellationToken)
    {
        StreamHeader header;
        try
        {
            header = SpoolFiles.Read(stream.HeaderPath, FormatJson.Default.StreamHeader, h => h.FormatVersion);
        }
        catch (BackupFailure e) when (e.Kind == FailureKind.BadData)
        {
            Log.CannotResend(logger, stream.Name, e.Message);
            return null;
        }

        foreach (SnapshotRef? needed in new[] { header.Snapshot, header.Parent })
        {
            if (needed is null)
            {
                continue;
            }

            string path = Path.Combine(options.Snapshots.Dir, needed.Name);
            SubvolumeInfo? found = await btrfs.ShowAsync(path, cancellationToken).ConfigureAwait(false);
            if (found is null || !found.ReadOnly || !string.Equals(found.Uuid, needed.Uuid, StringComparison.OrdinalIgnoreCase))
            {
                Log.CannotResend(logger, stream.Name, $"snapshot {path} is gone or changed");
                return null;
            }
        }

        return header;
    }

    private async Task SendOrAbandonAsync(StreamSender sender, StreamHeader header, CancellationToken cancellationToken)
    {
        try
        {
            await sender.SendAsync(header, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // No seal and no chunks may outlive a failed send; the snapshot was made for this stream alone.
            await AbandonAsync(Path.Combine(options.Spool.Dir, header.Stream), header.Snapshot.Name, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Removes an unsealed stream from the spool, and the snapshot that was made for it.</summary>
    private async Task AbandonAsync(string streamDir, string snapshotName, CancellationToken cancellationToken)
    {
        Log.StreamAbandoned(logger, Path.GetFileName(streamDir));
        if (Directory.Exists(streamDir))
        {
            Directory.Delete(streamDir, recursive: true);
            Posix.FsyncDirectory(options.Spool.Dir);
        }

        string path = Path.Combine(options.Snapshots.Dir, snapshotName);
        if (await btrfs.ShowAsync(path, cancellationToken).ConfigureAwait(false) is not null)
        {
            await btrfs.DeleteSubvolumeAsync(path, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The snapshot name for now; taken names (two runs within a second) move it on by a second.</summary>
    private string NewSnapshotName(string subvolume)
    {
        DateTimeOffset at = time.GetUtcNow();
        while (true)
        {
            string name = SnapshotName.Format(subvolume, at);
            if (!Path.Exists(Path.Combine(options.Snapshots.Dir, name)) && !Path.Exists(Path.Combine(options.Spool.Dir, name)))
            {
                return name;
            }

            at = at.AddSeconds(1);
        }
    }
}
