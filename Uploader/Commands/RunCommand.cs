using BtrfsToS3.Shared.Cli;
using BtrfsToS3.Shared.IO;
using BtrfsToS3.Uploader.Publish;
using BtrfsToS3.Uploader.S3;
using BtrfsToS3.Uploader.Upload;

namespace BtrfsToS3.Uploader.Commands;

/// <summary>
/// <c>btrfs-to-s3-uploader [run] [--once]</c>, one run under the uploader's lock: abort multipart uploads a killed run
/// left, then drain the spool — ready chunks uploaded concurrently within [s3] concurrency parts in flight, each
/// verified before it is deleted, and every sealed stream published once all its chunks are in S3. In follow mode it
/// keeps going while a spooler runs.
/// </summary>
/// <param name="takeOver">Subvolumes whose pointers this host may take over from another source (<c>--take-over NAME</c>).</param>
internal sealed class RunCommand(BackupRepository repository, BackupOptions options, BandwidthLimiter bandwidth, IReadOnlySet<string> takeOver, TimeProvider time, ILogger logger)
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, (ReadyChunk Chunk, Task<UploadedRecord> Task, int Parts)> _inFlight = new(StringComparer.Ordinal);
    private readonly StatsFile _stats = new(options.State.Dir);
    private readonly SpoolDirectory _spool = new(options.Spool.Dir);
    private readonly HashSet<string> _reportedHeld = new(StringComparer.Ordinal);

    /// <summary>Per subvolume, once per run: why its streams may not be published here (another source owns its pointer), or null.</summary>
    private readonly Dictionary<string, BackupFailure?> _refusals = new(StringComparer.Ordinal);

    public async Task<int> RunAsync(bool once, CancellationToken cancellationToken)
    {
        using FileLock uploaderLock = _spool.LockUploader();
        DateTimeOffset startedAt = time.GetUtcNow();
        long started = time.GetTimestamp();
        var progress = new ProgressMeter(time, logger, ProgressInterval, bandwidth);
        using var parts = new SemaphoreSlim(options.S3.Concurrency);
        var uploader = new ChunkUploader(repository, options.S3.Concurrency, parts, progress, options.Retention.PruneInRun, time, logger);
        var publisher = new Publisher(repository, options.State.Dir, takeOver, time, logger);
        // A host without delete rights ([retention] prune_in_run = no) leaves retention to another identity or a rule.
        GenerationPruner? pruner = options.Retention.PruneInRun ? new GenerationPruner(repository, options.Retention, time, logger) : null;
        int code = ExitCodes.Ok;
        int chunksDone = 0;
        long bytesDone = 0;
        int published = 0;
        int retries = 0;
        // Stream directories that failed to publish and chunk files that failed verification: not tried again this run.
        var failed = new HashSet<string>(StringComparer.Ordinal);

        try
        {
            if (options.S3.ObjectLock is { } mode && !await repository.BucketHasObjectLockAsync(cancellationToken).ConfigureAwait(false))
            {
                // Every write would be refused (400 InvalidRequest): say why once, before anything is sent.
                throw new BackupFailure(
                    FailureKind.Config,
                    $"configuration: [s3] object_lock = {mode.ToLowerInvariant()}, but bucket {options.S3.Bucket} has no Object Lock: use a bucket created with Object Lock, or set object_lock = off");
            }

            // With the lock held, none of our uploads is in progress: one no upload record names is an orphan. Those a
            // record names are resumed; the age guards against another writer of the prefix.
            HashSet<string> resumable = [.. _spool.Scan().Streams.SelectMany(s => s.ReadyChunks()).Select(c => c.Stream.ReadUpload(c.Record.Index)?.UploadId).OfType<string>()];
            foreach (PendingUpload upload in await repository.AbortUploadsStartedBeforeAsync(time.GetUtcNow() - options.Uploader.AbortUploadsOlderThan, resumable, cancellationToken).ConfigureAwait(false))
            {
                Log.AbortedUpload(logger, upload.Key, upload.Initiated?.ToString("O") ?? "?");
            }

            long idleSince = time.GetTimestamp();
            bool sawWork = false;
            while (true)
            {
                bool spoolerRunning = _spool.SpoolerRunning;
                IReadOnlyList<SpoolStream> streams = await OwnedAsync(Workable(ref code), publisher, cancellationToken).ConfigureAwait(false);
                if (_refusals.Values.Any(r => r is not null))
                {
                    code = ExitCodes.Worst(code, ExitCodes.Config);
                }

                bool publishedThisPass = false;
                // A stream with an upload still finishing (record written, file being deleted) waits for the next pass.
                foreach (SpoolStream stream in streams.Where(s => s.IsSealed && !failed.Contains(s.Dir) && !_inFlight.Values.Any(f => f.Chunk.Stream.Name == s.Name)))
                {
                    try
                    {
                        if (await publisher.TryPublishAsync(stream, cancellationToken).ConfigureAwait(false) is { } seal)
                        {
                            published++;
                            publishedThisPass = true;
                            // After every publish, not only a full's: a generation held back by min_age_days becomes
                            // deletable weeks after the full that superseded it, and a run killed mid-retention leaves
                            // an unnamed folder that should not wait half a year for the next full.
                            if (pruner is not null)
                            {
                                await pruner.PruneAsync(seal.Subvolume, seal.Source.FilesystemUuid, dryRun: false, cancellationToken).ConfigureAwait(false);
                            }
                        }
                    }
                    catch (BackupFailure e) when (e.Kind is FailureKind.BadData or FailureKind.Config)
                    {
                        Log.StreamNotPublished(logger, stream.Name, e.Message);
                        code = ExitCodes.Worst(code, ExitCodes.For(e));
                        failed.Add(stream.Dir);
                    }
                }

                if (publishedThisPass)
                {
                    streams = await OwnedAsync(Workable(ref code), publisher, cancellationToken).ConfigureAwait(false);
                }

                List<ReadyChunk> ready = streams.SelectMany(s => s.ReadyChunks()).Where(c => !_inFlight.ContainsKey(c.DataPath) && !failed.Contains(c.DataPath)).ToList();
                foreach (ReadyChunk chunk in ready)
                {
                    // The gate holds the parts actually in flight to [s3] concurrency. Chunks are started until twice
                    // that many parts are in flight or waiting: the next chunk's parts queue at the gate and take the
                    // places of the current one's as they finish, so the link need not drain at every chunk's end.
                    int chunkParts = ChunkUploader.PartsInFlight(chunk.Record, options.S3.Concurrency);
                    if (_inFlight.Count > 0 && _inFlight.Values.Sum(f => f.Parts) + chunkParts > 2 * options.S3.Concurrency)
                    {
                        break;
                    }

                    progress.Queue(chunk.Record.Size);
                    _inFlight[chunk.DataPath] = (chunk, uploader.UploadAsync(chunk, cancellationToken), chunkParts);
                }

                // Sealed streams that cannot progress (a chunk failed verification) do not keep the run going.
                bool busy = _inFlight.Count > 0 || ready.Count > 0 || publishedThisPass;
                sawWork |= busy || spoolerRunning;
                if (busy || spoolerRunning)
                {
                    idleSince = time.GetTimestamp();
                }
                else if (once || sawWork || time.GetElapsedTime(idleSince) >= options.Uploader.Linger)
                {
                    // Linger only helps an uploader started before its spooler; once one was seen, idle means done.
                    break;
                }

                if (_inFlight.Count == 0 && publishedThisPass)
                {
                    // Publishing may have made room or finished the work: look again at once.
                    continue;
                }

                Task poll = Task.Delay(Poll, time, cancellationToken);
                await Task.WhenAny(_inFlight.Values.Select(f => (Task)f.Task).Append(poll)).ConfigureAwait(false);
                foreach ((string path, (_, Task<UploadedRecord> task, _)) in _inFlight.Where(f => f.Value.Task.IsCompleted).ToList())
                {
                    _inFlight.Remove(path);
                    try
                    {
                        UploadedRecord uploaded = await task.ConfigureAwait(false);
                        chunksDone++;
                        bytesDone += uploaded.Size;
                        retries += uploaded.Retries;
                        _stats.Append(new ChunkStats(
                            uploaded.VerifiedAt,
                            uploaded.Key,
                            uploaded.Size,
                            Math.Round(uploaded.Seconds, 3),
                            Math.Round(uploaded.Seconds > 0 ? uploaded.Size / uploaded.Seconds / 1e6 : 0, 1),
                            uploaded.Retries,
                            uploaded.AlreadyThere));
                    }
                    catch (BackupFailure e) when (e.Kind == FailureKind.BadData)
                    {
                        Log.ChunkFailed(logger, path, e.Message);
                        failed.Add(path);
                        // A chunk S3 refused holds its stream; this line was its report.
                        _reportedHeld.Add(Path.GetDirectoryName(path)!);
                        code = ExitCodes.Worst(code, ExitCodes.For(e));
                    }
                }

                cancellationToken.ThrowIfCancellationRequested();
                progress.MaybeReport();
            }
        }
        catch (Exception e)
        {
            code = ExitCodes.Worst(code, ExitCodes.For(e));
            await DrainInFlightAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            double seconds = time.GetElapsedTime(started).TotalSeconds;
            _stats.Append(new RunStats(
                startedAt,
                time.GetUtcNow(),
                code,
                chunksDone,
                bytesDone,
                Math.Round(seconds, 3),
                Math.Round(seconds > 0 ? bytesDone / seconds / 1e6 : 0, 1),
                retries,
                published,
                BuildInfo.WrittenBy));
            Log.RunSummary(logger, chunksDone, bytesDone, seconds, seconds > 0 ? bytesDone / seconds / 1e6 : 0, retries, published);
            MetricsFile.Write(options, _spool, code, bytesDone, seconds, time.GetUtcNow());
        }

        return code;
    }

    /// <summary>
    /// The spool's streams that may be worked on. A held stream (a chunk damaged on the spool) is not: it is reported
    /// once per run, and the run ends with exit 65 while it waits for a person, so the failure stays visible without
    /// its chunks being sent (and billed) again.
    /// </summary>
    private List<SpoolStream> Workable(ref int code)
    {
        var workable = new List<SpoolStream>();
        foreach (SpoolStream stream in _spool.Scan().Streams)
        {
            if (!stream.IsHeld)
            {
                workable.Add(stream);
                continue;
            }

            // A stream held by a chunk still in flight is reported by that chunk's failure, once it is collected.
            if (!_inFlight.Values.Any(f => f.Chunk.Stream.Dir == stream.Dir) && _reportedHeld.Add(stream.Dir))
            {
                HeldRecord held = stream.ReadHeld();
                Log.StreamHeld(logger, stream.Name, held.HeldAt, held.Chunk, held.Part, held.Reason, stream.Dir);
            }

            code = ExitCodes.Worst(code, ExitCodes.DataError);
        }

        return workable;
    }

    /// <summary>
    /// The streams whose subvolume's pointer this host may publish to. Checked once per subvolume and run, before a
    /// chunk is sent: a stream refused (another source owns the pointer) would upload for nothing. Its one line is
    /// logged, it stays in the spool, and the run ends with exit 78; publishing checks again under the condition.
    /// </summary>
    private async Task<List<SpoolStream>> OwnedAsync(List<SpoolStream> streams, Publisher publisher, CancellationToken cancellationToken)
    {
        var owned = new List<SpoolStream>();
        foreach (SpoolStream stream in streams)
        {
            if (!stream.HasHeader)
            {
                owned.Add(stream);
                continue;
            }

            // The stream's name says its subvolume; its header (the source) is read once per subvolume and run.
            if (!_refusals.TryGetValue(stream.Subvolume, out BackupFailure? refusal))
            {
                StreamHeader header = stream.ReadHeader();
                refusal = publisher.Refusal(await repository.ReadPointerAsync(header.Subvolume, cancellationToken).ConfigureAwait(false), header);
                _refusals[stream.Subvolume] = refusal;
                if (refusal is not null)
                {
                    Log.PointerOwnedByAnother(logger, refusal.Message);
                }
            }

            if (refusal is null)
            {
                owned.Add(stream);
            }
        }

        return owned;
    }

    /// <summary>Lets uploads still running end (they fail fast once cancelled) so that no file is deleted under them.</summary>
    private async Task DrainInFlightAsync()
    {
        try
        {
            await Task.WhenAll(_inFlight.Values.Select(f => f.Task)).WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The failure that ended the run is the one reported.
        }
    }
}
