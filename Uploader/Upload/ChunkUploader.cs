using BtrfsToS3.Shared.Format;
using BtrfsToS3.Shared.IO;
using BtrfsToS3.Uploader.S3;

namespace BtrfsToS3.Uploader.Upload;

/// <summary>
/// Uploads one chunk, proves S3 holds exactly its bytes, and only then deletes it from the spool (docs/FORMAT.md,
/// "Verifying a chunk"). A chunk S3 already holds with the same size, SHA-256, ETag and CRC-32 is verified and not sent
/// again. A chunk whose bytes S3 refuses is damaged on the spool: its stream is held for a person.
/// </summary>
/// <param name="chunks">The bucket as sending and verifying a chunk sees it.</param>
/// <param name="parts">The run's parts in flight over all chunks, [s3] concurrency of them.</param>
/// <param name="deletes">False on a host without delete rights ([retention] prune_in_run = no).</param>
internal sealed class ChunkUploader(
    BackupRepository repository,
    IChunkStore chunks,
    int concurrency,
    SemaphoreSlim parts,
    ProgressMeter progress,
    bool deletes,
    TimeProvider time,
    ILogger logger
)
{
    private readonly ResumableUpload _upload = new(chunks, concurrency, parts, time, logger);
    private readonly Lock _holding = new();

    /// <summary>Parts one chunk may have in flight or waiting for the run's gate.</summary>
    public static int PartsInFlight(ChunkRecord record, int concurrency) => Math.Min(concurrency, record.PartCount);

    public async Task<UploadedRecord> UploadAsync(ReadyChunk chunk, CancellationToken cancellationToken)
    {
        long started = time.GetTimestamp();
        ChunkRecord record = chunk.Record;
        string key = repository.ChunkKey(chunk.Header, record.Name);
        ObjectHead? existing = await chunks.HeadAsync(key, cancellationToken);
        bool alreadyThere =
            existing is not null
            && record.Identity.IsSameAs(existing.Size, existing.Etag, existing.Crc32, existing.Sha256);
        int retries = 0;
        if (!alreadyThere)
        {
            try
            {
                retries = await _upload.SendAsync(chunk, key, progress.Add, cancellationToken);
            }
            catch (PartRefusedException refused)
            {
                throw await HoldAsync(chunk, key, refused);
            }
        }

        string? version = await VerifyAsync(chunk, key, cancellationToken);
        CrashPoint.Reached("uploader-after-verify");
        double seconds = time.GetElapsedTime(started).TotalSeconds;
        var uploaded = new UploadedRecord(
            FormatJson.Version,
            record.Index,
            record.Name,
            key,
            record.Size,
            record.Sha256,
            record.Etag,
            record.Crc32,
            alreadyThere ? existing!.StorageClass : repository.StorageClassData,
            time.GetUtcNow(),
            seconds,
            retries,
            alreadyThere,
            version
        );
        chunk.Stream.MarkUploaded(chunk, uploaded);
        if (alreadyThere)
        {
            progress.Add(record.Size);
        }

        Log.ChunkUploaded(
            logger,
            chunk.Stream.Name,
            record.Name,
            record.Size,
            seconds,
            seconds > 0 ? record.Size / seconds / 1e6 : 0,
            retries,
            alreadyThere ? " (already in S3)" : string.Empty
        );
        return uploaded;
    }

    /// <summary>
    /// S3 refused bytes of the chunk: they are not those that left btrfs send, so no retry, in this run or the next,
    /// can mend it. The multipart upload is aborted (no object exists: a refused part never becomes one), the stream is
    /// held in the spool as it is, and the failure names chunk and part.
    /// </summary>
    private async Task<BackupFailure> HoldAsync(ReadyChunk chunk, string key, PartRefusedException refused)
    {
        // Cleanup under its own timeout: it must happen also when the run is being stopped, and must not hang. An
        // upload left now is aborted at a later start (abort_uploads_older_than).
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            try
            {
                await chunks.AbortUploadsAsync(key, timeout.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or BackupFailure)
            {
                Log.ChunkFailed(
                    logger,
                    chunk.DataPath,
                    $"the refused multipart upload of {key} is left for a later run to abort: {e.Message}"
                );
            }
        }

        ChunkRecord record = chunk.Record;
        chunk.Stream.ForgetUpload(record.Index);
        lock (_holding)
        {
            if (!chunk.Stream.IsHeld)
            {
                chunk.Stream.Hold(
                    new HeldRecord(FormatJson.Version, record.Name, refused.Part, refused.Answer, time.GetUtcNow())
                );
            }
        }

        string what =
            refused.Part == 0
                ? "the whole chunk's CRC-32"
                : $"part {refused.Part} of {record.PartCount} (bytes {record.PartRange(refused.Part).Offset} to {record.PartRange(refused.Part).Offset + record.PartRange(refused.Part).Length - 1})";
        return new BackupFailure(
            FailureKind.BadData,
            $"chunk {chunk.DataPath}: S3 refused {what} ({refused.Answer}): its bytes on the spool are not those that left btrfs send; stream {chunk.Stream.Name} is held (held.json) and nothing of it is sent again until a person acts (README, \"A damaged chunk\")"
        );
    }

    /// <summary>
    /// Size, ETag and (where S3 keeps one) CRC-32 of what S3 stored, against the values the spooler computed from the
    /// send stream. Returns the version verified (null where the bucket keeps none): the manifest names that one.
    /// </summary>
    private async Task<string?> VerifyAsync(ReadyChunk chunk, string key, CancellationToken cancellationToken)
    {
        ObjectHead head = await chunks.HeadAsync(key, cancellationToken)
            ?? throw new BackupFailure(
                FailureKind.BadData,
                $"chunk {chunk.DataPath}: uploaded, but S3 has no object {key}"
            );
        if (!chunk.Record.Identity.IsStoredAs(head.Size, head.Etag, head.Crc32))
        {
            // What S3 holds is not what btrfs send produced: it must not stay where a manifest could name it. A host
            // that may not delete leaves it to be overwritten when the chunk is sent again (and verified again then).
            if (deletes)
            {
                await chunks.DeleteAsync(key, CancellationToken.None);
            }

            throw new BackupFailure(
                FailureKind.BadData,
                $"chunk {chunk.DataPath} failed verification: S3 stored {head}, but {chunk.Record.Identity} left btrfs send; the chunk stays in the spool, {(deletes ? "the object was deleted" : "the object stays until the chunk is sent again ([retention] prune_in_run = no)")}, nothing is published"
            );
        }

        return head.VersionId;
    }
}
