using System.Diagnostics;
using BtrfsToS3.Shared.Btrfs;
using BtrfsToS3.Shared.Crypto;
using BtrfsToS3.Shared.IO;
using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Shared.State;
using BtrfsToS3.Uploader.Restore;

namespace BtrfsToS3.Uploader.Commands;

/// <summary>
/// <c>btrfs-to-s3-uploader restore</c>: follows the subvolume's pointer to its chain (a generation, up to a snapshot),
/// downloads each stream's chunks into the spool's restore area (verified before any byte reaches btrfs), and feeds
/// them in order into <c>btrfs receive</c>, stream after stream; later chunks download while earlier ones are received.
/// A stream already received (same received UUID) is skipped, so an interrupted restore resumes; a failed receive
/// leaves no half-received subvolume behind.
/// </summary>
internal sealed class RestoreCommand(BackupRepository repository, BackupOptions options, TimeProvider time, ILogger logger)
{
    /// <summary>How long a thaw usually takes, by tier (AWS's figures for Deep Archive; Glacier is faster).</summary>
    private readonly SpoolDirectory _spool = new(options.Spool.Dir);
    private readonly BtrfsTool _btrfs = new();
    private readonly PointerChooser _pointers = new(repository, time, logger);

    /// <summary>The age identities of --identity, for encrypted streams.</summary>
    private IReadOnlyList<AgeIdentity> _identities = [];

    private static readonly Dictionary<string, TimeSpan> ExpectedThaw = new(StringComparer.Ordinal)
    {
        ["Bulk"] = TimeSpan.FromHours(48),
        ["Standard"] = TimeSpan.FromHours(12),
        ["Expedited"] = TimeSpan.FromMinutes(5),
    };

    public async Task<int> RunAsync(RestoreRequest request, CancellationToken cancellationToken)
    {
        if (request.LastOnly && !request.DumpOnly)
        {
            throw new BackupFailure(FailureKind.Usage, "usage: --last goes with --dump: an incremental stream alone cannot be received, only dumped");
        }

        using FileLock restoreLock = _spool.LockRestore();
        var chains = new List<RestoreChain>();
        foreach (string subvolume in request.Subvolumes)
        {
            (RestoreChain chain, DateTimeOffset? pointerWritten) = await ChainAsync(subvolume, request, cancellationToken).ConfigureAwait(false);
            if (request.LastOnly)
            {
                chains.Add(chain with { Manifests = [chain.Manifests[^1]] });
                continue;
            }

            chains.Add(chain);
            if (!request.NoNested)
            {
                // Nested subvolumes' pointers as they were when the configured one's was written, when that is older.
                chains.AddRange(await NestedChainsAsync(chain, request.AsOf ?? pointerWritten, cancellationToken).ConfigureAwait(false));
            }
        }

        if (!request.DumpOnly && !request.RequestOnly && (request.Target is null || !Directory.Exists(request.Target)))
        {
            throw new BackupFailure(FailureKind.Usage, $"usage: restore needs --target, an existing directory on a btrfs filesystem (got \"{request.Target}\")");
        }

        await CheckReceiveAsync(chains.SelectMany(c => c.Manifests), cancellationToken).ConfigureAwait(false);
        CheckNoDowngrade(chains.SelectMany(c => c.Manifests), request);
        _identities = ReadIdentities(request.Identity);
        if (chains.SelectMany(c => c.Manifests).Select(m => ChunkDecoder.Problem(m, _identities, request.Identity)).FirstOrDefault(p => p is not null) is { } undecodable)
        {
            throw new BackupFailure(FailureKind.Usage, undecodable);
        }

        // Only what is still to receive is thawed: a rerun after the full was received must not pay for its thaw again.
        var toReceive = new List<Manifest>();
        foreach (Manifest manifest in chains.SelectMany(c => c.Manifests))
        {
            if (request.DumpOnly || request.Target is null || !Directory.Exists(request.Target) || !await AlreadyReceivedAsync(request.Target, manifest, cancellationToken).ConfigureAwait(false))
            {
                toReceive.Add(manifest);
            }
        }

        if (!await ThawAsync(toReceive, request, cancellationToken).ConfigureAwait(false))
        {
            return ExitCodes.Ok;
        }

        var fetcher = new ChunkFetcher(repository, logger);
        foreach (RestoreChain chain in chains)
        {
            foreach (Manifest manifest in chain.Manifests)
            {
                if (!request.DumpOnly && await AlreadyReceivedAsync(request.Target!, manifest, cancellationToken).ConfigureAwait(false))
                {
                    Log.StreamAlreadyReceived(logger, manifest.Stream);
                    continue;
                }

                var clock = Stopwatch.StartNew();
                await ReceiveAsync(manifest, fetcher, request, cancellationToken).ConfigureAwait(false);
                Log.StreamReceived(logger, manifest.Stream, manifest.TotalBytes, clock.Elapsed.TotalSeconds, manifest.TotalBytes / Math.Max(clock.Elapsed.TotalSeconds, 1e-3) / 1e6, request.DumpOnly ? "dumped" : "received");
            }

            if (!request.DumpOnly)
            {
                await PutInPlaceAsync(request.Target!, chain, cancellationToken).ConfigureAwait(false);
            }
        }

        return ExitCodes.Ok;
    }

    /// <summary>
    /// Makes every chunk of the chain readable: requests the thaw of archived ones, reports n of m ready, and with
    /// --wait polls until all are. False for --request-only, which stops after the request.
    /// </summary>
    private async Task<bool> ThawAsync(IReadOnlyList<Manifest> chain, RestoreRequest request, CancellationToken cancellationToken)
    {
        var thawer = new Thawer(repository, options.Restore, options.Prices, logger);
        string recordPath = StateFiles.ThawPath(options.State.Dir, string.Join('+', request.Subvolumes));
        while (true)
        {
            ThawStatus status = await thawer.CheckAsync(chain, request: true, cancellationToken).ConfigureAwait(false);

            if (status.RequestedNow > 0)
            {
                SpoolFiles.Write(recordPath, new ThawRecord(time.GetUtcNow(), options.Restore.Tier, status.RequestedNow), ThawJson.Default.ThawRecord, overwrite: true);
            }

            ThawRecord? record = File.Exists(recordPath)
                ? System.Text.Json.JsonSerializer.Deserialize(File.ReadAllBytes(recordPath), ThawJson.Default.ThawRecord)
                : null;
            string expected = record is null
                ? "nothing requested by this host"
                : $"requested {record.RequestedAt:yyyy-MM-dd HH:mm} UTC, expected by {record.RequestedAt + ExpectedThaw[record.Tier]:yyyy-MM-dd HH:mm} UTC";
            Log.ThawProgress(logger, status.Ready, status.Total, status.Thawing, options.Restore.Tier, expected);
            if (request.RequestOnly)
            {
                return false;
            }

            if (status.AllReady)
            {
                return true;
            }

            if (!request.Wait)
            {
                throw new BackupFailure(
                    FailureKind.TryAgainLater,
                    $"subvolume {string.Join(", ", request.Subvolumes)}: {status.Ready} of {status.Total} chunks thawed ({expected}); run the restore again then, or with --wait");
            }

            await Task.Delay(options.Restore.PollInterval, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A configured subvolume's manifests to receive, full first, each the child of the one before; up to --until.</summary>
    private async Task<(RestoreChain Chain, DateTimeOffset? PointerWritten)> ChainAsync(string subvolume, RestoreRequest request, CancellationToken cancellationToken)
    {
        (Pointer? found, DateTimeOffset? written) = await _pointers.ChooseAsync(subvolume, request.Generation, request.AsOf, request.PointerVersion, cancellationToken).ConfigureAwait(false);
        Pointer pointer = found
            ?? throw new BackupFailure(FailureKind.Unavailable, $"nothing of subvolume {subvolume} is published under s3://{options.S3.Bucket}/{options.S3.Prefix} (no pointer)");
        PointerGeneration generation = request.Generation is null
            ? pointer.Generations[^1]
            : pointer.Generations.FirstOrDefault(g => g.Generation == request.Generation)
                ?? throw new BackupFailure(FailureKind.Usage, $"usage: subvolume {subvolume} has no generation {request.Generation} (it has {string.Join(", ", pointer.Generations.Select(g => g.Generation))})");
        var chain = new List<Manifest>();
        foreach ((string key, string? version) in generation.Named())
        {
            chain.Add(await NextAsync(chain, key, version, cancellationToken).ConfigureAwait(false));
            if (chain[^1].Snapshot.Name == request.Until)
            {
                return (new RestoreChain(subvolume, null, chain), written);
            }
        }

        return request.Until is null
            ? (new RestoreChain(subvolume, null, chain), written)
            : throw new BackupFailure(FailureKind.Usage, $"usage: --until {request.Until} is not a snapshot of generation {generation.Generation} (it has {string.Join(", ", chain.Select(m => m.Snapshot.Name))})");
    }

    /// <summary>
    /// The chains of the subvolumes nested in a configured one when its last restored snapshot was made (its manifest
    /// lists them), each up to its last snapshot no later than that one: a run snapshots a subvolume and those nested
    /// in it together, under the same time. Nested subvolumes gone from the host before then are not in the list.
    /// </summary>
    private async Task<IReadOnlyList<RestoreChain>> NestedChainsAsync(RestoreChain parent, DateTimeOffset? asOf, CancellationToken cancellationToken)
    {
        Manifest last = parent.Manifests[^1];
        SnapshotName.TryParse(last.Snapshot.Name, out _, out DateTimeOffset until);
        var chains = new List<RestoreChain>();
        foreach (string path in last.NestedPaths.OrderBy(p => p.Count(c => c == '/')).ThenBy(p => p, StringComparer.Ordinal))
        {
            string name = NestedName.For(parent.Subvolume, path);
            Pointer? pointer = (await _pointers.ChooseAsync(name, null, asOf, null, cancellationToken).ConfigureAwait(false)).Pointer;
            PointerGeneration? generation = pointer?.Generations.LastOrDefault(g => SnapshotTime(g.Generation) <= until);
            var chain = new List<Manifest>();
            foreach ((string key, string? version) in generation?.Named() ?? [])
            {
                Manifest manifest = await NextAsync(chain, key, version, cancellationToken).ConfigureAwait(false);
                SnapshotName.TryParse(manifest.Snapshot.Name, out _, out DateTimeOffset taken);
                if (taken > until)
                {
                    break;
                }

                chain.Add(manifest);
            }

            if (chain.Count == 0)
            {
                Log.NestedNotRestored(logger, name, $"{last.Snapshot.Name} held it at {path}, but nothing of it from {until:yyyy-MM-dd HH:mm:ss} UTC or before is published");
                continue;
            }

            chains.Add(new RestoreChain(name, new NestedPlace(parent.Subvolume, path), chain));
        }

        return chains;
    }

    private static DateTimeOffset SnapshotTime(string generation) =>
        SnapshotName.TryParse($"x.{generation}", out _, out DateTimeOffset time) ? time : DateTimeOffset.MaxValue;

    /// <summary>
    /// Age does not say who encrypted a file, and a manifest is only as good as its signature: a backup that should be
    /// encrypted ([encryption] recipients set, or an --identity given) and is not may be a stream put in its place. Such a
    /// stream is refused (exit 65) before anything is thawed, unless the person says it was written before encryption.
    /// </summary>
    private void CheckNoDowngrade(IEnumerable<Manifest> manifests, RestoreRequest request)
    {
        if (request.AllowUnencrypted || (!options.Encryption.On && request.Identity is null))
        {
            return;
        }

        if (manifests.FirstOrDefault(m => m.Encryption != ChunkEncoding.Age) is { } plain)
        {
            string why = request.Identity is null ? "[encryption] recipients are set" : $"--identity {request.Identity} was given";
            throw new BackupFailure(
                FailureKind.BadData,
                $"stream {plain.Stream} ({repository.Address(repository.ManifestKey(plain))}) is not encrypted, but {why}: it may have been put there in place of this host's stream; nothing was thawed or received. If it was written before encryption was set, restore with --allow-unencrypted");
        }
    }

    /// <summary>The identities in the --identity file, or none without one; a file that holds none is exit 64.</summary>
    private static IReadOnlyList<AgeIdentity> ReadIdentities(string? file)
    {
        try
        {
            return file is null ? [] : AgeIdentity.ReadFile(file);
        }
        catch (AgeException e)
        {
            throw new BackupFailure(FailureKind.Usage, $"usage: --identity {file}: {e.Message}");
        }
    }

    /// <summary>Before anything is thawed or downloaded: this host's btrfs receive must read every stream's send protocol.</summary>
    private async Task CheckReceiveAsync(IEnumerable<Manifest> manifests, CancellationToken cancellationToken)
    {
        List<Manifest> all = [.. manifests];
        if (all.Any(m => m.SendProtocol > 1)
            && ReceiveProblem(all, await _btrfs.VersionAsync(cancellationToken).ConfigureAwait(false)) is { } problem)
        {
            throw new BackupFailure(FailureKind.Config, problem);
        }
    }

    /// <summary>
    /// Why btrfs-progs of that <c>--version</c> line cannot receive one of the streams, or null: a protocol 2 stream
    /// needs btrfs-progs 6.2 or newer (<see cref="SendSettings.ReceivesProtocol2"/>), a later protocol a later tool.
    /// </summary>
    public static string? ReceiveProblem(IReadOnlyList<Manifest> manifests, string progsLine)
    {
        Manifest? newest = manifests.Where(m => m.SendProtocol > 1).MaxBy(m => m.SendProtocol);
        Version? progs = SendSettings.ParseProgs(progsLine);
        if (newest is null || (newest.SendProtocol == 2 && progs is not null && progs >= SendSettings.ReceivesProtocol2))
        {
            return null;
        }

        string what = $"restore: stream {newest.Stream} is btrfs send protocol {newest.SendProtocol}{(newest.CompressedData ? " with compressed data" : string.Empty)}; ";
        return what + (newest.SendProtocol > 2
            ? $"btrfs_to_s3 knows protocols 1 and 2 only: restore it with the version that wrote it ({newest.BtrfsProgsVersion} sent it); nothing was thawed or downloaded"
            : $"btrfs receive needs btrfs-progs {SendSettings.ReceivesProtocol2} or newer to read it (6.0.2 and 6.2 fixed its receive of compressed extents), and this host has {progsLine}: install a newer btrfs-progs, then restore again; nothing was thawed or downloaded");
    }

    /// <summary>The manifest the pointer names (its version, in a versioned bucket), which must follow the chain so far.</summary>
    private async Task<Manifest> NextAsync(List<Manifest> chain, string key, string? version, CancellationToken cancellationToken)
    {
        Manifest manifest = await repository.ReadNamedManifestAsync(key, version, cancellationToken).ConfigureAwait(false)
            ?? throw new BackupFailure(FailureKind.BadData, $"the pointer names {key}, but there is no such manifest");
        return manifest.Parent == (chain.Count == 0 ? null : chain[^1].Snapshot)
            ? manifest
            : throw new BackupFailure(FailureKind.BadData, $"manifest {key} does not follow {(chain.Count == 0 ? "nothing" : chain[^1].Stream)}: the chain is broken");
    }

    /// <summary>
    /// Rebuilds the tree as the host had it: the configured subvolume as a writable snapshot of its last received one,
    /// <c>TARGET/&lt;subvolume&gt;</c>; a nested one as a writable snapshot of its last received one, in the place its
    /// configured subvolume's tree holds for it. A place already taken by a subvolume (a restore run again) is kept.
    /// </summary>
    private async Task PutInPlaceAsync(string target, RestoreChain chain, CancellationToken cancellationToken)
    {
        string received = ContainedPath.Join(target, chain.Manifests[^1].Snapshot.Name, "received snapshot");
        string place = ContainedPath.Join(target, chain.Nested is null ? chain.Subvolume : $"{chain.Nested.In}/{chain.Nested.Path}", $"the place of subvolume {chain.Subvolume}");
        if (await _btrfs.ShowAsync(place, cancellationToken).ConfigureAwait(false) is not null)
        {
            return;
        }

        if (Directory.Exists(place))
        {
            if (Directory.EnumerateFileSystemEntries(place).Any())
            {
                throw new BackupFailure(FailureKind.CannotCreate, $"{place} is not empty, so {chain.Subvolume} cannot be put there; move it away first");
            }

            Directory.Delete(place);
        }

        await _btrfs.CreateSnapshotAsync(received, place, cancellationToken).ConfigureAwait(false);
        Log.PutInPlace(logger, chain.Subvolume, place);
    }

    private async Task ReceiveAsync(Manifest manifest, ChunkFetcher fetcher, RestoreRequest request, CancellationToken cancellationToken)
    {
        RestoreArea area = _spool.RestoreArea(manifest.Stream);
        area.Create();

        // Chunks download ahead of the one being received, as many as the spool quota holds and concurrency allows.
        int ahead = (int)Math.Clamp(options.Spool.Quota / Math.Max(manifest.ChunkSize, 1), 1, options.S3.Concurrency);
        var downloads = new Dictionary<int, Task<string>>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task<string> Download(int index)
        {
            for (int next = index; next < Math.Min(manifest.Chunks.Count, index + ahead); next++)
            {
                if (!downloads.ContainsKey(next))
                {
                    downloads[next] = fetcher.FetchAsync(manifest.Chunks[next], area, manifest.PartSize, Math.Max(1, options.S3.Concurrency / ahead), stop.Token);
                }
            }

            return downloads[index];
        }

        Stream Open(int index, string path) => ChunkDecoder.Open(path, manifest, repository.Address(manifest.Chunks[index].Key), _identities);

        IReadOnlyList<string> command = BtrfsTool.ReceiveCommand(request.DumpOnly ? null : request.Target!);
        Process? receive = null;
        try
        {
            // The first chunk is verified and opened before btrfs receive starts: one that cannot be read back (a wrong
            // identity) ends the restore with nothing received.
            Stream decoded = Open(0, await Download(0).ConfigureAwait(false));
            receive = ProcessRunner.StartWithInput(command);
            Task<long> output = CountLinesAsync(receive.StandardOutput);
            Task errors = LogErrorsAsync(receive, manifest.Stream);
            Stream input = receive.StandardInput.BaseStream;
            using var feed = new ReceiveFeed(manifest.Stream, manifest.TotalBytes, manifest.Sha256, input);
            bool fedAll = false;
            try
            {
                for (int i = 0; ; i++)
                {
                    await using (decoded.ConfigureAwait(false))
                    {
                        await FeedChunkAsync(manifest, manifest.Chunks[i], decoded, feed, cancellationToken).ConfigureAwait(false);
                    }

                    File.Delete(area.ChunkPath(i));
                    if (i + 1 == manifest.Chunks.Count)
                    {
                        break;
                    }

                    decoded = Open(i + 1, await Download(i + 1).ConfigureAwait(false));
                }

                await feed.FinishAsync(cancellationToken).ConfigureAwait(false);
                fedAll = true;
            }
            catch (IOException) when (receive.HasExited || receive.WaitForExit(TimeSpan.FromSeconds(5)))
            {
                // btrfs receive stopped reading: its exit code and stderr say why, below.
            }

            try
            {
                input.Close();
            }
            catch (IOException)
            {
                // The pipe is broken because receive already exited; its exit code is checked next.
            }

            await receive.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            await errors.ConfigureAwait(false);
            long lines = await output.ConfigureAwait(false);
            if (receive.ExitCode != 0 || !fedAll)
            {
                throw new BackupFailure(
                    FailureKind.Unavailable,
                    $"stream {manifest.Stream}: {string.Join(' ', command)} exited {receive.ExitCode} after {feed.Fed} of {manifest.TotalBytes} bytes (its stderr is in the log above)");
            }

            if (request.DumpOnly)
            {
                Log.StreamDumped(logger, manifest.Stream, lines);
            }

            area.Remove();
        }
        catch
        {
            await stop.CancelAsync().ConfigureAwait(false);
            if (receive is { HasExited: false })
            {
                receive.Kill(entireProcessTree: true);
                await receive.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }

            await Task.WhenAll(downloads.Values).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            if (!request.DumpOnly)
            {
                await RemoveHalfReceivedAsync(ContainedPath.Join(request.Target!, manifest.Snapshot.Name, "received snapshot")).ConfigureAwait(false);
            }

            throw;
        }
        finally
        {
            receive?.Dispose();
        }
    }

    /// <summary>One chunk's stream bytes into the feed: exactly as many as its manifest says it holds.</summary>
    private async Task FeedChunkAsync(Manifest manifest, ManifestChunk chunk, Stream decoded, ReceiveFeed feed, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[1024 * 1024];
        long before = feed.Fed;
        try
        {
            int n;
            while ((n = await decoded.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                await feed.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is ZstdSharp.ZstdException or AgeException or InvalidDataException or EndOfStreamException)
        {
            throw new BackupFailure(FailureKind.BadData, $"chunk {repository.Address(chunk.Key)} of stream {manifest.Stream}: its bytes match the manifest, but they do not decode (encryption {manifest.Encryption}, compression {manifest.Compression}): {e.Message}; the stream's end was held back, so btrfs receive kept nothing of it");
        }

        if (chunk.StreamSize > 0 && feed.Fed - before != chunk.StreamSize)
        {
            throw new BackupFailure(FailureKind.BadData, $"chunk {repository.Address(chunk.Key)} of stream {manifest.Stream}: decodes to {feed.Fed - before} stream bytes, but its manifest says {chunk.StreamSize}");
        }
    }

    /// <summary>
    /// True when the target holds this snapshot received whole (read-only, with the manifest's snapshot as received
    /// UUID). A writable subvolume of that name without it is what a killed receive leaves: it is removed, and false.
    /// </summary>
    private async Task<bool> AlreadyReceivedAsync(string target, Manifest manifest, CancellationToken cancellationToken)
    {
        string path = ContainedPath.Join(target, manifest.Snapshot.Name, "received snapshot");
        if (!Directory.Exists(path))
        {
            return false;
        }

        SubvolumeInfo? found = await _btrfs.ShowAsync(path, cancellationToken).ConfigureAwait(false);
        if (found is { ReadOnly: true } && string.Equals(found.ReceivedUuid, manifest.Snapshot.Uuid, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (found is { ReadOnly: false, ReceivedUuid: null })
        {
            await RemoveHalfReceivedAsync(path).ConfigureAwait(false);
            return false;
        }

        throw new BackupFailure(FailureKind.CannotCreate, $"{path} exists and is not the received snapshot {manifest.Snapshot.Name} ({manifest.Snapshot.Uuid}); move it away first");
    }

    /// <summary>A receive that did not end well leaves a writable, incomplete subvolume: it must not look like a restore.</summary>
    private async Task RemoveHalfReceivedAsync(string path)
    {
        if (!Directory.Exists(path))
        {
            return;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            await _btrfs.DeleteSubvolumeAsync(path, timeout.Token).ConfigureAwait(false);
            Log.HalfReceivedRemoved(logger, path, "deleted");
        }
        catch (Exception e) when (e is BackupFailure or OperationCanceledException)
        {
            Log.HalfReceivedRemoved(logger, path, $"could not be deleted ({e.Message}); delete it by hand");
        }
    }

    private static async Task<long> CountLinesAsync(StreamReader output)
    {
        long lines = 0;
        while (await output.ReadLineAsync().ConfigureAwait(false) is not null)
        {
            lines++;
        }

        return lines;
    }

    private async Task LogErrorsAsync(Process receive, string stream)
    {
        while (await receive.StandardError.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            if (line.Length > 0)
            {
                Log.ReceiveOutput(logger, stream, line);
            }
        }
    }
}
