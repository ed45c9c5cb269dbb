using BtrfsToS3.Uploader.Publish;

namespace BtrfsToS3.Uploader.Upload;

/// <summary>
/// Drains the spool for one run: starts the ready chunks of the streams this host may publish, as many as keep [s3]
/// concurrency parts in flight, collects each as it ends, hands every sealed stream with nothing in flight to the
/// publisher, and keeps following the spool while a spooler runs (or, started before one, for [uploader] linger). A
/// chunk or stream that failed is not tried again this run; the worst of those failures is <see cref="Code"/>.
/// </summary>
/// <param name="uploader">Sends, verifies and deletes one chunk, holding the run's gate of
/// <paramref name="concurrency"/> parts.</param>
internal sealed class ChunkScheduler(
    SpoolDirectory spool,
    BackupRepository repository,
    ChunkUploader uploader,
    Publisher publisher,
    int concurrency,
    TimeSpan linger,
    ProgressMeter progress,
    StatsFile stats,
    TimeProvider time,
    ILogger logger
)
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    private readonly Dictionary<string, (ReadyChunk Chunk, Task<UploadedRecord> Task, int Parts)> _inFlight = new(
        StringComparer.Ordinal
    );
    private readonly HashSet<string> _reportedHeld = new(StringComparer.Ordinal);

    /// <summary>Stream directories that failed to publish and chunk files that failed verification: not tried again
    /// this run.</summary>
    private readonly HashSet<string> _failed = new(StringComparer.Ordinal);

    /// <summary>Per subvolume, once per run: why its streams may not be published here (another source owns its
    /// pointer), or null.</summary>
    private readonly Dictionary<string, BackupFailure?> _refusals = new(StringComparer.Ordinal);

    /// <summary>The run's exit code so far: the worst of the held streams, refused pointers and failed chunks and
    /// streams.</summary>
    public int Code { get; private set; } = ExitCodes.Ok;

    /// <summary>Chunks uploaded (or found in S3) and verified this run.</summary>
    public int Chunks { get; private set; }

    /// <summary>Bytes of those chunks.</summary>
    public long Bytes { get; private set; }

    /// <summary>Requests that failed and were retried on the way.</summary>
    public int Retries { get; private set; }

    /// <summary>
    /// Runs until the spool holds nothing more to do (at once with <paramref name="once"/>);
    /// <paramref name="published"/> is told of every stream published, before the spool is looked at again.
    /// </summary>
    public async Task RunAsync(
        bool once,
        Func<Seal, CancellationToken, Task> published,
        CancellationToken cancellationToken
    )
    {
        try
        {
            await FollowAsync(once, published, cancellationToken);
        }
        catch (Exception)
        {
            await DrainInFlightAsync();
            throw;
        }
    }

    private async Task FollowAsync(
        bool once,
        Func<Seal, CancellationToken, Task> published,
        CancellationToken cancellationToken
    )
    {
        long idleSince = time.GetTimestamp();
        bool sawWork = false;
        while (true)
        {
            bool spoolerRunning = spool.SpoolerRunning;
            IReadOnlyList<SpoolStream> streams = await OwnedAsync(Workable(), cancellationToken);
            if (_refusals.Values.Any(r => r is not null))
            {
                Code = ExitCodes.Worst(Code, ExitCodes.Config);
            }

            bool publishedThisPass = await PublishSealedAsync(streams, published, cancellationToken);
            if (publishedThisPass)
            {
                streams = await OwnedAsync(Workable(), cancellationToken);
            }

            int ready = StartReady(streams, cancellationToken);

            // Sealed streams that cannot progress (a chunk failed verification) do not keep the run going.
            bool busy = _inFlight.Count > 0 || ready > 0 || publishedThisPass;
            sawWork |= busy || spoolerRunning;
            if (busy || spoolerRunning)
            {
                idleSince = time.GetTimestamp();
            }
            else if (once || sawWork || time.GetElapsedTime(idleSince) >= linger)
            {
                // Linger only helps an uploader started before its spooler; once one was seen, idle means done.
                return;
            }

            if (_inFlight.Count == 0 && publishedThisPass)
            {
                // Publishing may have made room or finished the work: look again at once.
                continue;
            }

            await CollectAsync(cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
            progress.MaybeReport();
        }
    }

    /// <summary>Publishes the sealed streams; true when one was. A stream with an upload still finishing (record
    /// written, file being deleted) waits for the next pass.</summary>
    private async Task<bool> PublishSealedAsync(
        IReadOnlyList<SpoolStream> streams,
        Func<Seal, CancellationToken, Task> published,
        CancellationToken cancellationToken
    )
    {
        bool any = false;
        foreach (
            SpoolStream stream in streams.Where(s =>
                s.IsSealed && !_failed.Contains(s.Dir) && !_inFlight.Values.Any(f => f.Chunk.Stream.Name == s.Name)
            )
        )
        {
            try
            {
                if (await publisher.TryPublishAsync(stream, cancellationToken) is { } seal)
                {
                    any = true;
                    await published(seal, cancellationToken);
                }
            }
            catch (BackupFailure e) when (e.Kind is FailureKind.BadData or FailureKind.Config)
            {
                Log.StreamNotPublished(logger, stream.Name, e.Message);
                Code = ExitCodes.Worst(Code, ExitCodes.For(e));
                _failed.Add(stream.Dir);
            }
        }

        return any;
    }

    /// <summary>Starts the streams' ready chunks that the gate has room for; returns how many chunks were
    /// ready.</summary>
    private int StartReady(IReadOnlyList<SpoolStream> streams, CancellationToken cancellationToken)
    {
        List<ReadyChunk> ready = streams
            .SelectMany(s => s.ReadyChunks())
            .Where(c => !_inFlight.ContainsKey(c.DataPath) && !_failed.Contains(c.DataPath))
            .ToList();
        foreach (ReadyChunk chunk in ready)
        {
            // The gate holds the parts actually in flight to [s3] concurrency. Chunks are started until twice
            // that many parts are in flight or waiting: the next chunk's parts queue at the gate and take the
            // places of the current one's as they finish, so the link need not drain at every chunk's end.
            int chunkParts = ChunkUploader.PartsInFlight(chunk.Record, concurrency);
            if (_inFlight.Count > 0 && _inFlight.Values.Sum(f => f.Parts) + chunkParts > 2 * concurrency)
            {
                break;
            }

            progress.Queue(chunk.Record.Size);
            _inFlight[chunk.DataPath] = (chunk, uploader.UploadAsync(chunk, cancellationToken), chunkParts);
        }

        return ready.Count;
    }

    /// <summary>Waits until a chunk ends or the poll interval passes, then records every chunk that ended.</summary>
    private async Task CollectAsync(CancellationToken cancellationToken)
    {
        Task poll = Task.Delay(Poll, time, cancellationToken);
        await Task.WhenAny(_inFlight.Values.Select(f => (Task)f.Task).Append(poll));
        foreach (
            (string path, (_, Task<UploadedRecord> task, _)) in _inFlight.Where(f => f.Value.Task.IsCompleted).ToList()
        )
        {
            _inFlight.Remove(path);
            try
            {
                Record(await task);
            }
            catch (BackupFailure e) when (e.Kind == FailureKind.BadData)
            {
                Log.ChunkFailed(logger, path, e.Message);
                _failed.Add(path);
                // A chunk S3 refused holds its stream; this line was its report.
                _reportedHeld.Add(Path.GetDirectoryName(path)!);
                Code = ExitCodes.Worst(Code, ExitCodes.For(e));
            }
        }
    }

    private void Record(UploadedRecord uploaded)
    {
        Chunks++;
        Bytes += uploaded.Size;
        Retries += uploaded.Retries;
        stats.Append(
            new ChunkStats(
                uploaded.VerifiedAt,
                uploaded.Key,
                uploaded.Size,
                Math.Round(uploaded.Seconds, 3),
                Math.Round(uploaded.Seconds > 0 ? uploaded.Size / uploaded.Seconds / 1e6 : 0, 1),
                uploaded.Retries,
                uploaded.AlreadyThere
            )
        );
    }

    /// <summary>
    /// The spool's streams that may be worked on. A held stream (a chunk damaged on the spool) is not: it is reported
    /// once per run, and the run ends with exit 65 while it waits for a person, so the failure stays visible without
    /// its chunks being sent (and billed) again.
    /// </summary>
    private List<SpoolStream> Workable()
    {
        var workable = new List<SpoolStream>();
        foreach (SpoolStream stream in spool.Scan().Streams)
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

            Code = ExitCodes.Worst(Code, ExitCodes.DataError);
        }

        return workable;
    }

    /// <summary>
    /// The streams whose subvolume's pointer this host may publish to. Checked once per subvolume and run, before a
    /// chunk is sent: a stream refused (another source owns the pointer) would upload for nothing. Its one line is
    /// logged, it stays in the spool, and the run ends with exit 78; publishing checks again under the condition.
    /// </summary>
    private async Task<List<SpoolStream>> OwnedAsync(List<SpoolStream> streams, CancellationToken cancellationToken)
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
                refusal = publisher.Refusal(
                    await repository.ReadPointerAsync(header.Subvolume, cancellationToken),
                    header
                );
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

    /// <summary>Lets uploads still running end (they fail fast once cancelled) so that no file is deleted under
    /// them.</summary>
    private async Task DrainInFlightAsync()
    {
        try
        {
            await Task.WhenAll(_inFlight.Values.Select(f => f.Task)).WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (Exception)
        {
            // The failure that ended the run is the one reported.
        }
    }
}
