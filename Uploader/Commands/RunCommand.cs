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
/// <param name="chunks">The bucket as sending and verifying a chunk sees it.</param>
/// <param name="takeOver">Subvolumes whose pointers this host may take over from another source (<c>--take-over
/// NAME</c>).</param>
internal sealed class RunCommand(
    BackupRepository repository,
    IChunkStore chunks,
    BackupOptions options,
    BandwidthLimiter bandwidth,
    IReadOnlySet<string> takeOver,
    TimeProvider time,
    ILogger logger
)
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(30);

    private readonly StatsFile _stats = new(options.State.Dir);
    private readonly SpoolDirectory _spool = new(options.Spool.Dir);

    public async Task<int> RunAsync(bool once, CancellationToken cancellationToken)
    {
        using FileLock uploaderLock = _spool.LockUploader();
        DateTimeOffset startedAt = time.GetUtcNow();
        long started = time.GetTimestamp();
        var progress = new ProgressMeter(time, logger, ProgressInterval, bandwidth);
        using var parts = new SemaphoreSlim(options.S3.Concurrency);
        var uploader = new ChunkUploader(
            repository,
            chunks,
            options.S3.Concurrency,
            parts,
            progress,
            options.Retention.PruneInRun,
            time,
            logger
        );
        var publisher = new Publisher(repository, options.State.Dir, takeOver, time, logger);
        var scheduler = new ChunkScheduler(
            _spool,
            repository,
            uploader,
            publisher,
            options.S3.Concurrency,
            options.Uploader.Linger,
            progress,
            _stats,
            time,
            logger
        );
        // After every publish, not only a full's: a generation held back by min_age_days becomes deletable weeks after
        // the full that superseded it, and a run killed mid-retention leaves an unnamed folder that should not wait
        // half a year for the next full. A host without delete rights ([retention] prune_in_run = no) leaves retention
        // to another identity or a rule.
        GenerationPruner? pruner = options.Retention.PruneInRun
            ? new GenerationPruner(repository, options.Retention, time, logger)
            : null;
        int code = ExitCodes.Ok;
        int published = 0;
        try
        {
            await CheckObjectLockAsync(cancellationToken);
            await AbortOrphanUploadsAsync(cancellationToken);
            await scheduler.RunAsync(
                once,
                (seal, ct) =>
                {
                    published++;
                    return pruner is null
                        ? Task.CompletedTask
                        : pruner.PruneAsync(seal.Subvolume, seal.Source.FilesystemUuid, dryRun: false, ct);
                },
                cancellationToken
            );
            code = scheduler.Code;
        }
        catch (Exception e)
        {
            code = ExitCodes.Worst(scheduler.Code, ExitCodes.For(e));
            throw;
        }
        finally
        {
            Summarize(startedAt, started, code, scheduler, published);
        }

        return code;
    }

    /// <summary>Every write would be refused (400 InvalidRequest) where [s3] object_lock asks for a lock the bucket
    /// cannot keep: say why once, before anything is sent.</summary>
    private async Task CheckObjectLockAsync(CancellationToken cancellationToken)
    {
        if (options.S3.ObjectLock is { } mode && !await repository.BucketHasObjectLockAsync(cancellationToken))
        {
            throw new BackupFailure(
                FailureKind.Config,
                $"configuration: [s3] object_lock = {mode.ToLowerInvariant()}, but bucket {options.S3.Bucket} has no Object Lock: use a bucket created with Object Lock, or set object_lock = off"
            );
        }
    }

    /// <summary>
    /// With the lock held, none of our uploads is in progress: one no upload record names is an orphan. Those a record
    /// names are resumed; the age guards against another writer of the prefix.
    /// </summary>
    private async Task AbortOrphanUploadsAsync(CancellationToken cancellationToken)
    {
        HashSet<string> resumable =
        [
            .. _spool
                .Scan()
                .Streams.SelectMany(s => s.ReadyChunks())
                .Select(c => c.Stream.ReadUpload(c.Record.Index)?.UploadId)
                .OfType<string>(),
        ];
        foreach (
            PendingUpload upload in await repository.AbortUploadsStartedBeforeAsync(
                time.GetUtcNow() - options.Uploader.AbortUploadsOlderThan,
                resumable,
                cancellationToken
            )
        )
        {
            Log.AbortedUpload(logger, upload.Key, upload.Initiated?.ToString("O") ?? "?");
        }
    }

    /// <summary>The run's line in the stats file, its summary in the log, and the metrics file.</summary>
    private void Summarize(DateTimeOffset startedAt, long started, int code, ChunkScheduler scheduler, int published)
    {
        double seconds = time.GetElapsedTime(started).TotalSeconds;
        double rate = seconds > 0 ? scheduler.Bytes / seconds / 1e6 : 0;
        _stats.Append(
            new RunStats(
                startedAt,
                time.GetUtcNow(),
                code,
                scheduler.Chunks,
                scheduler.Bytes,
                Math.Round(seconds, 3),
                Math.Round(rate, 1),
                scheduler.Retries,
                published,
                BuildInfo.WrittenBy
            )
        );
        Log.RunSummary(logger, scheduler.Chunks, scheduler.Bytes, seconds, rate, scheduler.Retries, published);
        MetricsFile.Write(options, _spool, code, scheduler.Bytes, seconds, time.GetUtcNow());
    }
}
