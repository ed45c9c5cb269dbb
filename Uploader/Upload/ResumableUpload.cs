using BtrfsToS3.Shared.Format;
using BtrfsToS3.Shared.Hashing;
using BtrfsToS3.Shared.IO;
using BtrfsToS3.Uploader.S3;

namespace BtrfsToS3.Uploader.Upload;

/// <summary>
/// Sends one chunk so that an outage, a kill or a reboot costs at most the parts that were in flight (docs/FORMAT.md,
/// "Resuming an upload"). A chunk of more than one part goes as a multipart upload whose id, and the parts S3
/// confirmed, are kept in the chunk's upload record in the spool; a later attempt, in this run or the next, asks S3
/// which parts it holds (ListParts), keeps each whose ETag is the MD5 the spooler recorded for it, and sends only the
/// rest. What S3 can prove wins over the record: a part with another ETag is sent again, an upload S3 no longer knows
/// is started over. Every part carries the spooler's Content-MD5 (and CRC-32), so S3 refuses bytes that changed on the
/// spool before any object exists. The SDK's TransferUtility cannot do either (resume an upload another process
/// started, or send our part checksums), which is why chunks are sent with the multipart calls themselves
/// (docs/DEVELOPING.md, "How chunks are sent").
/// </summary>
/// <param name="parts">The run's parts in flight, over all chunks ([s3] concurrency): each part holds one while it is
/// sent.</param>
internal sealed class ResumableUpload(
    IChunkStore chunks,
    int concurrency,
    SemaphoreSlim parts,
    TimeProvider time,
    ILogger logger
)
{
    /// <summary>Starts of one chunk's upload within one attempt, when S3 keeps forgetting it, before the run gives up
    /// on it.</summary>
    private const int StartsAtMost = 3;

    /// <summary>Sends the chunk to <paramref name="key"/>; returns the requests that failed and were retried on the
    /// way.</summary>
    public async Task<int> SendAsync(
        ReadyChunk chunk,
        string key,
        Action<long> progress,
        CancellationToken cancellationToken
    )
    {
        if (chunk.Record.PartCount == 1)
        {
            // A single PUT: its ETag is then the plain MD5 of the bytes (docs/FORMAT.md), and there is nothing to
            // resume.
            await parts.WaitAsync(cancellationToken);
            try
            {
                return await chunks.PutAsync(key, chunk, progress, cancellationToken);
            }
            finally
            {
                parts.Release();
            }
        }

        int retries = await SendMultipartAsync(chunk, key, progress, cancellationToken);
        // The object is whole; any upload of its key still open is an orphan S3 bills for: a create whose answer was
        // lost in an outage, and that the SDK sent again, leaves one that no record names.
        await chunks.AbortUploadsAsync(key, cancellationToken);
        return retries;
    }

    /// <summary>The chunk as a multipart upload, resumed where its record says one is in progress, until S3 completes
    /// it.</summary>
    private async Task<int> SendMultipartAsync(
        ReadyChunk chunk,
        string key,
        Action<long> progress,
        CancellationToken cancellationToken
    )
    {
        int retries = 0;
        for (int start = 1; ; start++)
        {
            (UploadRecord upload, string?[] etags) = await OpenAsync(chunk, key, progress, cancellationToken);
            try
            {
                retries += await SendMissingAsync(chunk, upload, etags, progress, cancellationToken);
                CrashPoint.Reached("uploader-before-complete");
                await chunks.CompleteAsync(key, upload.UploadId, chunk.Record, etags!, cancellationToken);
                return retries;
            }
            catch (UploadGoneException)
            {
                // Aborted under us (a lifecycle rule, a person), or completed by an attempt whose answer was lost: the
                // object decides which. Either way the record is spent.
                chunk.Stream.ForgetUpload(chunk.Record.Index);
                if (
                    await chunks.HeadAsync(key, cancellationToken) is { } head
                    && chunk.Record.Identity.IsStoredAs(head.Size, head.Etag, head.Crc32)
                )
                {
                    return retries;
                }

                if (start == StartsAtMost)
                {
                    throw new BackupFailure(
                        FailureKind.TryAgainLater,
                        $"{chunks.Address(key)}: S3 dropped the chunk's multipart upload {StartsAtMost} times while it was being sent (is a lifecycle rule aborting uploads after 0 days?); the chunk stays in the spool"
                    );
                }

                Log.UploadStartedOver(logger, key, upload.UploadId);
            }
        }
    }

    /// <summary>
    /// The upload to send the chunk's parts to: the one its record names, with the parts S3 proves it holds, or a new
    /// one (its record written before any part is sent) when there is none or S3 no longer knows it.
    /// </summary>
    private async Task<(UploadRecord Upload, string?[] Etags)> OpenAsync(
        ReadyChunk chunk,
        string key,
        Action<long> progress,
        CancellationToken cancellationToken
    )
    {
        ChunkRecord record = chunk.Record;
        var etags = new string?[record.PartCount];
        UploadRecord? upload = chunk.Stream.ReadUpload(record.Index);
        if (upload is not null && upload.Key == key)
        {
            IReadOnlyList<StoredPart>? stored = await chunks.PartsAsync(key, upload.UploadId, cancellationToken);
            if (stored is not null)
            {
                long keptBytes = 0;
                foreach (StoredPart part in stored.Where(p => p.Number >= 1 && p.Number <= record.PartCount))
                {
                    if (
                        S3Etag.Normalize(part.Etag) == record.Parts[part.Number - 1].Md5
                        && part.Size == record.PartRange(part.Number).Length
                    )
                    {
                        etags[part.Number - 1] = part.Etag;
                        keptBytes += part.Size;
                    }
                }

                int kept = etags.Count(e => e is not null);
                progress(keptBytes);
                Log.UploadResumed(logger, key, upload.UploadId, kept, record.PartCount, record.PartCount - kept);
                upload = upload with
                {
                    ConfirmedParts = [.. Enumerable.Range(1, record.PartCount).Where(n => etags[n - 1] is not null)],
                };
                chunk.Stream.WriteUpload(upload);
                return (upload, etags);
            }

            Log.UploadStartedOver(logger, key, upload.UploadId);
            chunk.Stream.ForgetUpload(record.Index);
        }

        // Uploads of this key that no record names (a run killed between creating one and recording it) are billed
        // and would never complete.
        await chunks.AbortUploadsAsync(key, cancellationToken);
        string uploadId = await chunks.StartAsync(key, chunk, cancellationToken);
        upload = new UploadRecord(FormatJson.Version, record.Index, key, uploadId, time.GetUtcNow(), []);
        chunk.Stream.WriteUpload(upload);
        return (upload, etags);
    }

    /// <summary>
    /// Sends every part without an ETag yet, recording each one S3 confirms. Up to concurrency of the chunk's parts
    /// wait for the run's gate, so the next chunk's parts take the places of this one's as they finish: the link stays
    /// full across the end of a chunk instead of draining with its last parts.
    /// </summary>
    private async Task<int> SendMissingAsync(
        ReadyChunk chunk,
        UploadRecord upload,
        string?[] etags,
        Action<long> progress,
        CancellationToken cancellationToken
    )
    {
        ChunkRecord record = chunk.Record;
        var gate = new Lock();
        var confirmed = new SortedSet<int>(upload.ConfirmedParts);
        int retries = 0;
        await Parallel.ForEachAsync(
            Enumerable.Range(1, record.PartCount).Where(n => etags[n - 1] is null),
            new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (number, ct) =>
            {
                string etag;
                int partRetries;
                await parts.WaitAsync(ct);
                try
                {
                    (etag, partRetries) = await chunks.SendPartAsync(
                        upload.Key,
                        upload.UploadId,
                        chunk,
                        number,
                        progress,
                        ct
                    );
                }
                finally
                {
                    parts.Release();
                }

                if (S3Etag.Normalize(etag) != record.Parts[number - 1].Md5)
                {
                    // S3 checked the Content-MD5, so this would be a server that stored other bytes than it accepted.
                    throw new BackupFailure(
                        FailureKind.BadData,
                        $"chunk {chunk.DataPath} part {number}: S3 answered ETag {etag}, but the part's MD5 is {record.Parts[number - 1].Md5}"
                    );
                }

                lock (gate)
                {
                    etags[number - 1] = etag;
                    retries += partRetries;
                    confirmed.Add(number);
                    chunk.Stream.WriteUpload(upload with { ConfirmedParts = [.. confirmed] });
                }
            }
        );
        return retries;
    }
}
