using Amazon.S3;
using Amazon.S3.Model;
using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.IO;
using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Shared.Spool;
using BtrfsToS3.Uploader.Publish;
using BtrfsToS3.Uploader.S3;
using BtrfsToS3.Uploader.Upload;
using Microsoft.Extensions.Logging;

namespace BtrfsToS3.Uploader;

/// <summary>
/// One uploader run under its lock: abort multipart uploads a killed run left, then drain the spool — ready chunks
/// uploaded concurrently within [s3] concurrency parts in flight, each verified before it is deleted, and every sealed
/// stream published once all its chunks are in S3. In follow mode it keeps going while a spooler runs.
/// </summary>
internal sealed class UploaderRun(IAmazonS3 s3, BackupOptions options, TimeProvider time, ILogger logger)
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, (Task<UploadedRecord> Task, int Parts)> _inFlight = new(StringComparer.Ordinal);
    private readonly StatsFile _stats = new(options.State.Dir);

    public async Task<int> RunAsync(bool once, CancellationToken cancellationToken)
    {
        using FileLock uploaderLock = FileLock.Acquire(Path.Combine(options.Spool.Dir, SpoolLayout.UploaderLock), "uploader");
        DateTimeOffset startedAt = time.GetUtcNow();
        long started = time.GetTimestamp();
        var guard = new OutageGuard(options.Uploader.GiveUpAfter, options.S3.Bucket, time, logger);
        var progress = new ProgressMeter(time, logger, ProgressInterval);
        var uploader = new ChunkUploader(s3, options.S3, guard, progress, time, logger);
        var objects = new S3Objects(s3, options.S3.Bucket, guard);
        var publisher = new Publisher(options, objects, time, logger);
        var pruner = new GenerationPruner(s3, options, objects, time, logger);
        int code = ExitCodes.Ok;
        int chunksDone = 0;
        long bytesDone = 0;
        int published = 0;
        int retries = 0;
        // Stream directories that failed to publish and chunk files that failed verification: not tried again this run.
        var failed = new HashSet<string>(StringComparer.Ordinal);

        try
        {
            await AbortAbandonedUploadsAsync(guard, cancellationToken).ConfigureAwait(false);
            long idleSince = time.GetTimestamp();
            bool sawWork = false;
            while (true)
            {
                bool spoolerRunning = FileLock.IsHeld(Path.Combine(options.Spool.Dir, SpoolLayout.SpoolerLock));
                (IReadOnlyList<SpoolStream> streams, _) = SpoolInventory.Scan(options.Spool.Dir);

                bool publishedThisPass = false;
                // A stream with an upload still finishing (record written, file being deleted) waits for the next pass.
                foreach (SpoolStream stream in streams.Where(s => s.IsSealed && !failed.Contains(s.Dir) && !_inFlight.Keys.Any(k => k.StartsWith(s.Dir + "/", StringComparison.Ordinal))))
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
                            await pruner.PruneAsync(seal.Subvolume, dryRun: false, cancellationToken).ConfigureAwait(false);
                        }
                    }
                    catch (BackupFailure e) when (e.Kind == FailureKind.BadData)
                    {
                        Log.StreamNotPublished(logger, stream.Name, e.Message);
                        code = ExitCodes.Worst(code, ExitCodes.For(e));
                        failed.Add(stream.Dir);
                    }
                }

                if (publishedThisPass)
                {
                    (streams, _) = SpoolInventory.Scan(options.Spool.Dir);
                }

                List<ReadyChunk> ready = ReadyChunks(streams).Where(c => !_inFlight.ContainsKey(c.DataPath) && !failed.Contains(c.DataPath)).ToList();
                foreach (ReadyChunk chunk in ready)
                {
                    int parts = ChunkUploader.PartsInFlight(chunk.Record, options.S3.Concurrency);
                    if (_inFlight.Count > 0 && _inFlight.Values.Sum(f => f.Parts) + parts > options.S3.Concurrency)
                    {
                        break;
                    }

                    progress.Queue(chunk.Record.Size);
                    _inFlight[chunk.DataPath] = (uploader.UploadAsync(chunk, cancellationToken), parts);
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
                foreach ((string path, (Task<UploadedRecord> task, _)) in _inFlight.Where(f => f.Value.Task.IsCompleted).ToList())
                {
                    _inFlight.Remove(path);
                    try
                    {
                        UploadedRecord uploaded = await task.ConfigureAwait(false);
                        chunksDone++;
                        bytesDone += uploaded.Size;
                        retries += uploaded.Retries;
                        _stats.Append(new Dictionary<string, object>
                        {
                            ["type"] = "chunk",
                            ["at"] = uploaded.VerifiedAt,
                            ["key"] = uploaded.Key,
                            ["bytes"] = uploaded.Size,
                            ["seconds"] = Math.Round(uploaded.Seconds, 3),
                            ["mb_per_s"] = Math.Round(uploaded.Seconds > 0 ? uploaded.Size / uploaded.Seconds / 1e6 : 0, 1),
                            ["retries"] = uploaded.Retries,
                            ["already_there"] = uploaded.AlreadyThere,
                        });
                    }
                    catch (BackupFailure e) when (e.Kind == FailureKind.BadData)
                    {
                        Log.ChunkFailed(logger, path, e.Message);
                        failed.Add(path);
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
            _stats.Append(new Dictionary<string, object>
            {
                ["type"] = "run",
                ["started_at"] = startedAt,
                ["finished_at"] = time.GetUtcNow(),
                ["exit_code"] = code,
                ["chunks"] = chunksDone,
                ["bytes"] = bytesDone,
                ["seconds"] = Math.Round(seconds, 3),
                ["mb_per_s"] = Math.Round(seconds > 0 ? bytesDone / seconds / 1e6 : 0, 1),
                ["retries"] = retries,
                ["streams_published"] = published,
            });
            Log.RunSummary(logger, chunksDone, bytesDone, seconds, seconds > 0 ? bytesDone / seconds / 1e6 : 0, retries, published);
            MetricsFile.Write(options, code, bytesDone, seconds, time.GetUtcNow());
        }

        return code;
    }

    /// <summary>Ready chunks: a final chunk name with its record beside it, oldest stream first, in chunk order.</summary>
    private List<ReadyChunk> ReadyChunks(IReadOnlyList<SpoolStream> streams)
    {
        var ready = new List<ReadyChunk>();
        foreach (SpoolStream stream in streams.Where(s => s.HasHeader))
        {
            try
            {
                StreamHeader header = SpoolFiles.Read(stream.HeaderPath, FormatJson.Default.StreamHeader, h => h.FormatVersion);
                foreach (string data in Directory.EnumerateFiles(stream.Dir, SpoolLayout.ReadyChunkPattern).Order(StringComparer.Ordinal))
                {
                    string recordPath = data + SpoolLayout.RecordSuffix;
                    if (File.Exists(recordPath))
                    {
                        ChunkRecord record = SpoolFiles.Read(recordPath, FormatJson.Default.ChunkRecord, r => r.FormatVersion);
                        string key = ObjectKeys.Chunk(options.S3.Prefix, header.Subvolume, header.Generation, header.Stream, record.Name);
                        ready.Add(new ReadyChunk(stream.Name, stream.Dir, data, record, key));
                    }
                }
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                // A spooler starting over discards an unsealed stream's chunks; the next pass sees what is left.
            }
        }

        return ready;
    }

    /// <summary>
    /// Multipart uploads under the prefix that no one will complete: a killed uploader leaves them, and S3 bills their
    /// parts until they are aborted. The uploader lock means none of ours is in progress; the age guards against
    /// another writer of the same prefix.
    /// </summary>
    private async Task AbortAbandonedUploadsAsync(OutageGuard guard, CancellationToken cancellationToken)
    {
        DateTimeOffset cutoff = time.GetUtcNow() - options.Uploader.AbortUploadsOlderThan;
        (List<MultipartUpload> uploads, int _) = await guard.RunAsync(
            "list multipart uploads",
            async ct =>
            {
                var all = new List<MultipartUpload>();
                var request = new ListMultipartUploadsRequest { BucketName = options.S3.Bucket, Prefix = options.S3.Prefix };
                while (true)
                {
                    ListMultipartUploadsResponse page = await s3.ListMultipartUploadsAsync(request, ct).ConfigureAwait(false);
                    all.AddRange(page.MultipartUploads ?? []);
                    if (page.IsTruncated != true)
                    {
                        return all;
                    }

                    request.KeyMarker = page.NextKeyMarker;
                    request.UploadIdMarker = page.NextUploadIdMarker;
                }
            },
            cancellationToken).ConfigureAwait(false);

        foreach (MultipartUpload upload in uploads.Where(u => u.Initiated is { } at && at.ToUniversalTime() <= cutoff.UtcDateTime))
        {
            await guard.RunAsync(
                $"abort multipart upload of {upload.Key}",
                ct => s3.AbortMultipartUploadAsync(options.S3.Bucket, upload.Key, upload.UploadId, ct),
                cancellationToken).ConfigureAwait(false);
            Log.AbortedUpload(logger, upload.Key, upload.Initiated?.ToString("O") ?? "?");
        }
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
