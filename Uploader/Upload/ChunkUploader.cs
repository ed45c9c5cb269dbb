using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.S3.Transfer;
using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.Hashing;
using BtrfsToS3.Shared.IO;
using BtrfsToS3.Shared.Spool;
using BtrfsToS3.Uploader.S3;
using Microsoft.Extensions.Logging;

namespace BtrfsToS3.Uploader.Upload;

/// <summary>
/// Uploads one chunk, proves S3 holds exactly its bytes, and only then deletes it from the spool (docs/FORMAT.md,
/// "Verifying a chunk"). A chunk S3 already holds with the same size and SHA-256 is verified and not sent again.
/// </summary>
internal sealed class ChunkUploader(IAmazonS3 s3, S3Options options, OutageGuard guard, ProgressMeter progress, TimeProvider time, ILogger logger)
{
    public const string Sha256Metadata = "sha256";

    /// <summary>Parts in flight for one chunk; the run keeps the sum over all chunks within [s3] concurrency.</summary>
    public static int PartsInFlight(ChunkRecord record, int concurrency) => Math.Min(concurrency, record.PartCount);

    public async Task<UploadedRecord> UploadAsync(ReadyChunk chunk, CancellationToken cancellationToken)
    {
        long started = time.GetTimestamp();
        ChunkRecord record = chunk.Record;
        ((bool alreadyThere, string storageClass), int retries) = await guard.RunAsync(
            $"chunk {chunk.Key}",
            async ct =>
            {
                GetObjectMetadataResponse? existing = await HeadAsync(chunk.Key, ct).ConfigureAwait(false);
                if (existing is not null && existing.ContentLength == record.Size && existing.Metadata[Sha256Metadata] == record.Sha256
                    && S3Etag.Normalize(existing.ETag) == record.Etag)
                {
                    return (true, existing.StorageClass?.Value ?? "STANDARD");
                }

                await AbortUploadsOfAsync(chunk.Key, ct).ConfigureAwait(false);
                await SendAsync(chunk, ct).ConfigureAwait(false);
                return (false, options.StorageClassData);
            },
            cancellationToken).ConfigureAwait(false);

        await VerifyAsync(chunk, cancellationToken).ConfigureAwait(false);
        CrashPoint.Reached("uploader-after-verify");
        double seconds = time.GetElapsedTime(started).TotalSeconds;
        var uploaded = new UploadedRecord(
            SpoolLayout.FormatVersion,
            record.Index,
            record.Name,
            chunk.Key,
            record.Size,
            record.Sha256,
            record.Etag,
            storageClass,
            time.GetUtcNow(),
            seconds,
            retries,
            alreadyThere);
        SpoolFiles.Write(Path.Combine(chunk.StreamDir, SpoolLayout.UploadedName(record.Index)), uploaded, FormatJson.Default.UploadedRecord, overwrite: true);
        File.Delete(chunk.DataPath);
        Posix.FsyncDirectory(chunk.StreamDir);
        if (alreadyThere)
        {
            progress.Add(record.Size);
        }

        Log.ChunkUploaded(logger, chunk.Stream, record.Name, record.Size, seconds, seconds > 0 ? record.Size / seconds / 1e6 : 0, retries, alreadyThere ? " (already in S3)" : string.Empty);
        return uploaded;
    }

    private async Task SendAsync(ReadyChunk chunk, CancellationToken cancellationToken)
    {
        ChunkRecord record = chunk.Record;
        var config = new TransferUtilityConfig
        {
            ConcurrentServiceRequests = PartsInFlight(record, options.Concurrency),
            // A chunk of at most one part goes as a single PUT: its ETag is then the MD5 the spooler recorded.
            MinSizeBeforePartUpload = record.PartSize + 1,
        };
        using var transfer = new TransferUtility(s3, config);
        var request = new TransferUtilityUploadRequest
        {
            BucketName = options.Bucket,
            Key = chunk.Key,
            FilePath = chunk.DataPath,
            PartSize = record.PartSize,
            StorageClass = S3StorageClass.FindValue(options.StorageClassData),
            ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256,
        };
        request.Metadata.Add(Sha256Metadata, record.Sha256);
        long reported = 0;
        // Parts report concurrently and their events can arrive out of order: only a rise of the upload's running
        // total counts, so every byte is counted once.
        request.UploadProgressEvent += (_, e) =>
        {
            long seen;
            do
            {
                seen = Interlocked.Read(ref reported);
                if (e.TransferredBytes <= seen)
                {
                    return;
                }
            }
            while (Interlocked.CompareExchange(ref reported, e.TransferredBytes, seen) != seen);
            progress.Add(e.TransferredBytes - seen);
        };
        try
        {
            await transfer.UploadAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // A retry starts from zero: what this attempt counted did not stay.
            progress.Add(-Interlocked.Exchange(ref reported, 0));
            await AbortAfterFailureAsync(chunk.Key).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Parts of a failed attempt are billed until aborted. Cleanup gets its own short timeout, not the run's token: it
    /// must happen also when the run is being stopped, and must not hang when the network is what failed (the next
    /// attempt, and the next run's start, abort what is left then).
    /// </summary>
    private async Task AbortAfterFailureAsync(string key)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await AbortUploadsOfAsync(key, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AmazonServiceException or HttpRequestException or IOException or OperationCanceledException)
        {
            Log.AbortDeferred(logger, key, e.Message);
        }
    }

    /// <summary>Aborts every multipart upload of this key: with the uploader lock held, none of them is still in progress.</summary>
    private async Task AbortUploadsOfAsync(string key, CancellationToken cancellationToken)
    {
        ListMultipartUploadsResponse uploads = await s3.ListMultipartUploadsAsync(
            new ListMultipartUploadsRequest { BucketName = options.Bucket, Prefix = key }, cancellationToken).ConfigureAwait(false);
        foreach (MultipartUpload upload in (uploads.MultipartUploads ?? []).Where(u => u.Key == key))
        {
            await s3.AbortMultipartUploadAsync(options.Bucket, key, upload.UploadId, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Size and ETag of what S3 stored against the values the spooler computed from the send stream.</summary>
    private async Task VerifyAsync(ReadyChunk chunk, CancellationToken cancellationToken)
    {
        ChunkRecord record = chunk.Record;
        ((long size, string etag), int _) = await guard.RunAsync(
            $"verify {chunk.Key}",
            async ct =>
            {
                GetObjectMetadataResponse head = await HeadAsync(chunk.Key, ct).ConfigureAwait(false)
                    ?? throw new BackupFailure(FailureKind.BadData, $"chunk {chunk.DataPath}: uploaded, but S3 has no object {chunk.Key}");
                return (head.ContentLength, S3Etag.Normalize(head.ETag ?? string.Empty));
            },
            cancellationToken).ConfigureAwait(false);

        if (size != record.Size || etag != record.Etag)
        {
            // What S3 holds is not what btrfs send produced: it must not stay where a manifest could name it.
            await s3.DeleteObjectAsync(options.Bucket, chunk.Key, CancellationToken.None).ConfigureAwait(false);
            throw new BackupFailure(
                FailureKind.BadData,
                $"chunk {chunk.DataPath} failed verification: S3 stored {size} bytes with ETag {etag}, but {record.Size} bytes with ETag {record.Etag} left btrfs send; the chunk stays in the spool, the object was deleted, nothing is published");
        }
    }

    private async Task<GetObjectMetadataResponse?> HeadAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            return await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = options.Bucket, Key = key }, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
