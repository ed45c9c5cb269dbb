using BtrfsToS3.Shared.Btrfs;
using BtrfsToS3.Shared.Format;
using BtrfsToS3.Shared.IO;
using BtrfsToS3.Spooler.Chunking;
using BtrfsToS3.Spooler.Streams;

namespace BtrfsToS3.Spooler.Commands;

/// <summary>
/// <c>btrfs-to-s3-spooler [run]</c>, one run under the spooler's lock: finish or discard what a crashed run left, then
/// one stream per subvolume, each configured one with the subvolumes nested in it, all of them snapshotted together
/// before any is sent. A subvolume that fails is logged and the others still run; the exit code is the worst outcome.
/// </summary>
internal sealed class RunCommand(
    BackupOptions options,
    BtrfsTool btrfs,
    TimeProvider time,
    ILogger logger,
    TimeSpan quotaPoll
)
{
    private readonly SpoolDirectory _spool = new(options.Spool.Dir);

    /// <summary>The run's send protocol and flags ([btrfs] and what this host can do), resolved at its start.</summary>
    private SendSettings _send = new(1, false);

    public async Task<int> RunAsync(bool forceFull, CancellationToken cancellationToken)
    {
        using FileLock spoolerLock = _spool.LockSpooler();
        string btrfsVersion = await btrfs.VersionAsync(cancellationToken);
        string kernelVersion = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        _send = SendSettings.Of(options.Btrfs, SendSettings.ParseProgs(btrfsVersion), BtrfsTool.KernelSendProtocol());
        var gate = new QuotaGate(_spool, options.Spool.Quota, quotaPoll, time, logger);
        var sender = new StreamSender(gate, btrfsVersion, kernelVersion, options.Spool.Catalog, time, logger);
        var planner = new StreamPlanner(options.Snapshots, options.State, options.Schedule, btrfs, time);
        var discovery = new NestedDiscovery(options.Snapshots, options.Nested, btrfs, logger);
        var pruner = new SnapshotPruner(options.Snapshots, options.State, _spool, btrfs, logger);

        (IReadOnlyList<SpoolStream> streams, IReadOnlyList<string> strays) = _spool.Scan();
        foreach (string stray in strays)
        {
            Log.StraySpoolEntry(logger, stray);
        }

        int code = ExitCodes.Ok;

        // A step that fails for one subvolume is logged and counted; the other subvolumes, and its other steps, go on.
        async Task<bool> TryAsync(SubvolumeOptions subvolume, Func<Task> step)
        {
            try
            {
                await step();
                return true;
            }
            catch (Exception e) when (e is not OperationCanceledException && ExitCodes.For(e) != ExitCodes.Software)
            {
                Log.SubvolumeFailed(logger, subvolume.Name, e.Message);
                code = ExitCodes.Worst(code, ExitCodes.For(e));
                return false;
            }
        }

        var backedUp = new HashSet<string>(StringComparer.Ordinal);
        var discovered = new HashSet<string>(StringComparer.Ordinal);
        foreach (SubvolumeOptions configured in options.Subvolumes)
        {
            List<SubvolumeOptions> group = [configured];

            // With fail, the checks have already found that there is nothing nested to back up.
            if (
                options.Nested == NestedMode.Fail
                || await TryAsync(configured, async () =>
                    group.AddRange(await discovery.FindAsync(configured, cancellationToken))
                )
            )
            {
                discovered.Add(configured.Name);
            }

            backedUp.UnionWith(group.Select(g => g.Name));

            // One time for the group: a subvolume and those nested in it are snapshotted within seconds of each other
            // and bear the same time, so a restore puts together what belongs together.
            DateTimeOffset at = time.GetUtcNow();
            var toSend = new List<(SubvolumeOptions Subvolume, SpoolStream Stream, StreamHeader Header)>();
            var done = new List<SubvolumeOptions>();
            foreach (SubvolumeOptions subvolume in group)
            {
                IReadOnlyList<string> nestedPaths =
                    subvolume == configured ? [.. group.Skip(1).Select(n => n.Nested!.Path)] : [];
                List<SpoolStream> own = [.. streams.Where(s => s.Subvolume == subvolume.Name)];
                await TryAsync(subvolume, async () =>
                {
                    if (
                        await PrepareAsync(subvolume, nestedPaths, own, planner, forceFull, at, cancellationToken) is
                        { } prepared
                    )
                    {
                        toSend.Add((subvolume, prepared.Stream, prepared.Header));
                    }
                    else
                    {
                        done.Add(subvolume);
                    }
                });
            }

            foreach ((SubvolumeOptions subvolume, SpoolStream stream, StreamHeader header) in toSend)
            {
                if (await TryAsync(subvolume, () => SendOrAbandonAsync(sender, stream, header, cancellationToken)))
                {
                    done.Add(subvolume);
                }
            }

            foreach (SubvolumeOptions subvolume in done)
            {
                await TryAsync(subvolume, () => pruner.PruneAsync(subvolume, cancellationToken));
            }
        }

        // An unsealed stream of a nested subvolume that is gone (or now excluded) would never be sent again.
        foreach (
            SpoolStream orphan in streams.Where(s =>
                !s.IsSealed
                && !backedUp.Contains(s.Subvolume)
                && s.Subvolume.Split('.')[0] is { } parent
                && parent != s.Subvolume
                && discovered.Contains(parent)
            )
        )
        {
            await AbandonAsync(orphan, cancellationToken);
        }

        return code;
    }

    /// <summary>
    /// What to send for the subvolume: an unsealed stream a crashed run left, sent again from its own snapshot; else a
    /// new snapshot, planned full or incremental, with its header written. Null while a sealed stream of it waits.
    /// </summary>
    private async Task<(SpoolStream Stream, StreamHeader Header)?> PrepareAsync(
        SubvolumeOptions subvolume,
        IReadOnlyList<string> nestedPaths,
        List<SpoolStream> inSpool,
        StreamPlanner planner,
        bool forceFull,
        DateTimeOffset at,
        CancellationToken cancellationToken
    )
    {
        SpoolStream? sealedStream = inSpool.FirstOrDefault(s => s.IsSealed);
        if (sealedStream is not null)
        {
            Log.WaitingForUpload(logger, subvolume.Name, sealedStream.Name);
            return null;
        }

        foreach (SpoolStream unsealed in inSpool)
        {
            // The snapshot is made before its stream directory, so an unsealed stream always names a snapshot of ours.
            StreamHeader? resumable = unsealed.HasHeader
                ? await ResumableHeaderAsync(unsealed, cancellationToken)
                : null;
            if (resumable is null)
            {
                await AbandonAsync(unsealed, cancellationToken);
                continue;
            }

            Log.ResendingUnsealed(logger, unsealed.Name);
            return (unsealed, resumable);
        }

        string snapshotName = NewSnapshotName(subvolume.Name, at);
        StreamPlan plan = await planner.PlanAsync(subvolume, snapshotName, forceFull, cancellationToken);
        Log.StreamPlanned(logger, subvolume.Name, plan.Kind.ToString().ToLowerInvariant(), plan.Reason);
        (string compression, string encryption) = GenerationEncoding(subvolume, plan);

        string snapshotPath = options.Snapshots.PathOf(snapshotName);
        await btrfs.CreateReadOnlySnapshotAsync(subvolume.Path, snapshotPath, cancellationToken);
        SubvolumeInfo snapshot = await btrfs.ShowAsync(snapshotPath, cancellationToken)
            ?? throw new BackupFailure(
                FailureKind.Unavailable,
                $"snapshot {snapshotPath} was created but btrfs cannot show it"
            );
        Log.SnapshotCreated(logger, snapshotPath, snapshot.Uuid);

        // The snapshot's parent UUID is the live subvolume's; SpoolerChecks proved the path is on btrfs.
        var source = new SourceRef(
            (
                FilesystemId.Of(subvolume.Path)
                ?? throw new BackupFailure(
                    FailureKind.Unavailable,
                    $"{subvolume.Path} is no longer on a btrfs filesystem"
                )
            ).ToString(),
            snapshot.ParentUuid
                ?? throw new BackupFailure(
                    FailureKind.Unavailable,
                    $"snapshot {snapshotPath} has no parent UUID; btrfs cannot say which subvolume it was taken of"
                )
        );
        SpoolStream stream = _spool.CreateStream(snapshotName);
        var header = new StreamHeader
        {
            FormatVersion = FormatJson.Version,
            Stream = snapshotName,
            Subvolume = subvolume.Name,
            Nested = subvolume.Nested,
            NestedPaths = nestedPaths,
            Kind = plan.Kind,
            Source = source,
            Snapshot = new SnapshotRef(snapshotName, snapshot.Uuid),
            Parent = plan.Parent,
            Generation = plan.Generation,
            ChainPosition = plan.ChainPosition,
            ChunkSize = options.Spool.ChunkSize,
            PartSize = options.S3.PartSize,
            SendCommand = BtrfsTool.SendCommand(
                snapshotPath,
                plan.Parent is null ? null : options.Snapshots.PathOf(plan.Parent.Name),
                _send
            ),
            SendProtocol = _send.Protocol,
            CompressedData = _send.CompressedData,
            Compression = compression,
            Encryption = encryption,
            Recipients = encryption == ChunkEncoding.Age ? [.. options.Encryption.Recipients.Select(r => r.Text)] : [],
            RecipientFingerprints =
                encryption == ChunkEncoding.Age
                    ? [.. options.Encryption.Recipients.Select(r => ChunkEncoding.Fingerprint(r.Text))]
                    : [],
            CreatedAt = time.GetUtcNow(),
        };
        stream.WriteHeader(header);
        return (stream, header);
    }

    /// <summary>
    /// How the stream's chunks are written: a full as configured; an incremental as its generation's full was, so
    /// that a change applies from the next full and changes nothing already published (warned about until then).
    /// An encrypted generation is never continued unencrypted: without recipients it is a configuration error.
    /// </summary>
    private (string Compression, string Encryption) GenerationEncoding(SubvolumeOptions subvolume, StreamPlan plan)
    {
        string compression = options.Spool.Compression.ToString();
        string encryption = options.Encryption.Name;
        if (plan.ChainedOn is not { } generation)
        {
            return (compression, encryption);
        }

        if (generation.Compression != compression)
        {
            Log.GenerationKeepsEncoding(
                logger,
                subvolume.Name,
                "[spool] compression",
                compression,
                plan.Generation,
                generation.Compression
            );
        }

        if (generation.Encryption != encryption)
        {
            if (!options.Encryption.On)
            {
                throw new BackupFailure(
                    FailureKind.Config,
                    $"subvolume {subvolume.Name}: its generation {plan.Generation} is encrypted ({generation.Encryption}), but [encryption] recipients is empty: set the recipients again, or run with --full to start a generation without encryption"
                );
            }

            Log.GenerationKeepsEncoding(
                logger,
                subvolume.Name,
                "[encryption] recipients",
                encryption,
                plan.Generation,
                generation.Encryption
            );
        }

        return (generation.Compression, generation.Encryption);
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
            header = stream.ReadHeader();
        }
        catch (BackupFailure e) when (e.Kind == FailureKind.BadData)
        {
            Log.CannotResend(logger, stream.Name, e.Message);
            return null;
        }

        // What runs is made again from the header's checked names, never taken from the file: a header that records any
        // other command (edited, or of another snapshot directory) is not resent.
        IReadOnlyList<string> command = BtrfsTool.SendCommand(
            options.Snapshots.PathOf(header.Snapshot.Name),
            header.Parent is null ? null : options.Snapshots.PathOf(header.Parent.Name),
            new SendSettings(header.SendProtocol, header.CompressedData)
        );
        if (header.Stream != stream.Name || !header.SendCommand.SequenceEqual(command))
        {
            Log.CannotResend(
                logger,
                stream.Name,
                $"its header is of stream {FieldCheck.Show(header.Stream)} with the send command {FieldCheck.Show(string.Join(' ', header.SendCommand))}, not {string.Join(' ', command)}"
            );
            return null;
        }

        foreach (SnapshotRef? needed in new[] { header.Snapshot, header.Parent })
        {
            if (needed is null)
            {
                continue;
            }

            string path = options.Snapshots.PathOf(needed.Name);
            SubvolumeInfo? found = await btrfs.ShowAsync(path, cancellationToken);
            if (
                found is null
                || !found.ReadOnly
                || !string.Equals(found.Uuid, needed.Uuid, StringComparison.OrdinalIgnoreCase)
            )
            {
                Log.CannotResend(logger, stream.Name, $"snapshot {path} is gone or changed");
                return null;
            }
        }

        return header;
    }

    private async Task SendOrAbandonAsync(
        StreamSender sender,
        SpoolStream stream,
        StreamHeader header,
        CancellationToken cancellationToken
    )
    {
        try
        {
            await sender.SendAsync(stream, header, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // No seal and no chunks may outlive a failed send; the snapshot was made for this stream alone.
            await AbandonAsync(stream, CancellationToken.None);
            throw;
        }
    }

    /// <summary>Removes an unsealed stream from the spool, and the snapshot that was made for it (it bears the stream's
    /// name).</summary>
    private async Task AbandonAsync(SpoolStream stream, CancellationToken cancellationToken)
    {
        Log.StreamAbandoned(logger, stream.Name);
        stream.Remove();
        string path = options.Snapshots.PathOf(stream.Name);
        if (await btrfs.ShowAsync(path, cancellationToken) is not null)
        {
            await btrfs.DeleteSubvolumeAsync(path, cancellationToken);
        }
    }

    /// <summary>The snapshot name for the run's time; taken names (two runs within a second) move it on by a
    /// second.</summary>
    private string NewSnapshotName(string subvolume, DateTimeOffset at)
    {
        while (true)
        {
            string name = SnapshotName.Format(subvolume, at);
            if (!Path.Exists(options.Snapshots.PathOf(name)) && !_spool.Stream(name).Exists)
            {
                return name;
            }

            at = at.AddSeconds(1);
        }
    }
}
