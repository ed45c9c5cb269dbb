using BtrfsToS3.Uploader.S3;

namespace BtrfsToS3.Uploader.Upload;

/// <summary>
/// Uploads one chunk, proves S3 holds exactly its bytes, and only then deletes it from the spool (docs/FORMAT.md,
/// "Verifying a chunk"). A chunk S3 already holds with the same size, SHA-256 and ETag is verified and not sent again.
/// </summary>
internal sealed class ChunkUploader(BackupRepository repository, int concurrency, ProgressMeter progress, TimeProvider time, ILogger logger)
{
    /// <summary>Parts in flight for one chunk; the run keeps the sum over all chunks within [s3] concurrency.</summary>
    public static int PartsInFlight(ChunkRecord record, int concurrency) => Math.Min(concurrency, record.PartCount);

    public async Task<UploadedRecord> UploadAsync(ReadyChunk chunk, CancellationToken cancellationToken)
    {
        long started = time.GetTimestamp();
        ChunkRecord record = chunk.Record;
        string key = repository.ChunkKey(chunk.Header, record.Name);
        ObjectHead? existing = await repository.HeadAsync(key, cancellationToken).ConfigureAwait(false);
        bool alreadyThere = existing is not null && record.Identity.IsSameAs(existing.Size, existing.Etag, existing.Sha256);
        int retries = 0;
        if (!alreadyThere)
        {
            retries = await repository.UploadChunkAsync(key, chunk.DataPath, record, PartsInFlight(record, concurrency), progress.Add, cancellationToken).ConfigureAwait(false);
        }

        await VerifyAsync(chunk, key, cancellationToken).ConfigureAwait(false);
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
            alreadyThere ? existing!.StorageClass : repository.StorageClassData,
            time.GetUtcNow(),
            seconds,
            retries,
            alreadyThere);
        chunk.Stream.MarkUploaded(chunk, uploaded);
        if (alreadyThere)
        {
            progress.Add(record.Size);
        }

        Log.ChunkUploaded(logger, chunk.Stream.Name, record.Name, record.Size, seconds, seconds > 0 ? record.Size / seconds / 1e6 : 0, retries, alreadyThere ? " (already in S3)" : string.Empty);
        return uploaded;
    }

    /// <summary>Size and ETag of what S3 stored against the values the spooler computed from the send stream.</summary>
    private async Task VerifyAsync(ReadyChunk chunk, string key, CancellationToken cancellationToken)
    {
        ObjectHead head = await repository.HeadAsync(key, cancellationToken).ConfigureAwait(false)
            ?? throw new BackupFailure(FailureKind.BadData, $"chunk {chunk.DataPath}: uploaded, but S3 has no object {key}");
        if (!chunk.Record.Identity.IsStoredAs(head.Size, head.Etag))
        {
            // What S3 holds is not what btrfs send produced: it must not stay where a manifest could name it.
            await repository.DeleteAsync(key, CancellationToken.None).ConfigureAwait(false);
            throw new BackupFailure(
                FailureKind.BadData,
                $"chunk {chunk.DataPath} failed verification: S3 stored {head}, but {chunk.Record.Identity} left btrfs send; the chunk stays in the spool, the object was deleted, nothing is published");
        }
    }
}
