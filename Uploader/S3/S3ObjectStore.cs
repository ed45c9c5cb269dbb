using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.S3.Transfer;

namespace BtrfsToS3.Uploader.S3;

/// <summary>
/// <see cref="IObjectStore"/> on S3 through the AWS SDK: the only user of <see cref="IAmazonS3"/>. Every call goes
/// through the <see cref="OutageGuard"/>, so an outage anywhere (upload, retention, verify, restore) is waited out for
/// give_up_after and then ends the run with exit 75, never as an internal error.
/// </summary>
internal sealed class S3ObjectStore(IAmazonS3 s3, string bucket, OutageGuard guard, ILogger logger) : IObjectStore
{
    public string Address(string key) => $"s3://{bucket}/{key}";

    public async Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken) =>
        (await guard.RunAsync(
            $"get {key}",
            async ct =>
            {
                try
                {
                    using GetObjectResponse response = await s3.GetObjectAsync(bucket, key, ct).ConfigureAwait(false);
                    using var buffer = new MemoryStream();
                    await response.ResponseStream.CopyToAsync(buffer, ct).ConfigureAwait(false);
                    return buffer.ToArray();
                }
                catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
                {
                    return null;
                }
            },
            cancellationToken).ConfigureAwait(false)).Result;

    public async Task<bool> PutAsync(string key, byte[] body, ObjectWrite write, CancellationToken cancellationToken) =>
        (await guard.RunAsync(
            $"put {key}",
            async ct =>
            {
                var request = new PutObjectRequest
                {
                    BucketName = bucket,
                    Key = key,
                    InputStream = new MemoryStream(body, writable: false),
                    ContentType = write.ContentType,
                    StorageClass = S3StorageClass.FindValue(write.StorageClass),
                    ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256,
                    IfNoneMatch = write.IfNoneMatch ? "*" : null,
                };
                try
                {
                    await s3.PutObjectAsync(request, ct).ConfigureAwait(false);
                    return true;
                }
                catch (AmazonS3Exception e) when (write.IfNoneMatch && e.StatusCode == HttpStatusCode.PreconditionFailed)
                {
                    return false;
                }
            },
            cancellationToken).ConfigureAwait(false)).Result;

    public async Task<ObjectHead?> HeadAsync(string key, CancellationToken cancellationToken) =>
        (await guard.RunAsync($"head {key}", ct => HeadOnceAsync(key, ct), cancellationToken).ConfigureAwait(false)).Result;

    public async Task<IReadOnlyList<StoredObject>> ListAsync(string prefix, CancellationToken cancellationToken) =>
        (await guard.RunAsync(
            $"list {prefix}",
            async ct =>
            {
                var all = new List<StoredObject>();
                var request = new ListObjectsV2Request { BucketName = bucket, Prefix = prefix };
                while (true)
                {
                    ListObjectsV2Response page = await s3.ListObjectsV2Async(request, ct).ConfigureAwait(false);
                    all.AddRange((page.S3Objects ?? []).Select(o => new StoredObject(o.Key, o.Size ?? 0)));
                    if (page.IsTruncated != true)
                    {
                        return all;
                    }

                    request.ContinuationToken = page.NextContinuationToken;
                }
            },
            cancellationToken).ConfigureAwait(false)).Result;

    public async Task<IReadOnlyList<string>> ListFoldersAsync(string prefix, CancellationToken cancellationToken) =>
        (await guard.RunAsync(
            $"list {prefix}",
            async ct =>
            {
                var all = new List<string>();
                var request = new ListObjectsV2Request { BucketName = bucket, Prefix = prefix, Delimiter = "/" };
                while (true)
                {
                    ListObjectsV2Response page = await s3.ListObjectsV2Async(request, ct).ConfigureAwait(false);
                    all.AddRange(page.CommonPrefixes ?? []);
                    if (page.IsTruncated != true)
                    {
                        return all;
                    }

                    request.ContinuationToken = page.NextContinuationToken;
                }
            },
            cancellationToken).ConfigureAwait(false)).Result;

    public async Task DeleteAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        if (keys.Count == 0)
        {
            return;
        }

        await guard.RunAsync(
            $"delete {keys.Count} objects under {keys[0]}",
            ct => s3.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = bucket, Objects = [.. keys.Select(k => new KeyVersion { Key = k })] }, ct),
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> UploadFileAsync(string key, string path, FileUpload upload, Action<long> progress, CancellationToken cancellationToken) =>
        (await guard.RunAsync(
            $"upload {key}",
            async ct =>
            {
                // With the uploader lock held none of the key's multipart uploads is still in progress: what is there is
                // left by a killed run or a failed attempt, and is billed until aborted.
                await AbortUploadsOfAsync(key, ct).ConfigureAwait(false);
                await TransferAsync(key, path, upload, progress, ct).ConfigureAwait(false);
                return 0;
            },
            cancellationToken).ConfigureAwait(false)).Retries;

    public async Task ReadAsync(string key, (long First, long Last)? range, Func<Stream, CancellationToken, Task> consume, CancellationToken cancellationToken) =>
        await guard.RunAsync(
            range is { } r ? $"get {key} bytes {r.First}-{r.Last}" : $"get {key}",
            async ct =>
            {
                var request = new GetObjectRequest { BucketName = bucket, Key = key };
                if (range is { } bytes)
                {
                    request.ByteRange = new ByteRange(bytes.First, bytes.Last);
                }

                try
                {
                    using GetObjectResponse response = await s3.GetObjectAsync(request, ct).ConfigureAwait(false);
                    await consume(response.ResponseStream, ct).ConfigureAwait(false);
                    return 0;
                }
                catch (AmazonS3Exception e) when (e.ErrorCode == "InvalidObjectState")
                {
                    throw new ObjectNotThawedException(Address(key));
                }
            },
            cancellationToken).ConfigureAwait(false);

    public async Task<IReadOnlyList<PendingUpload>> ListUploadsAsync(string prefix, CancellationToken cancellationToken) =>
        (await guard.RunAsync($"list multipart uploads under {prefix}", ct => ListUploadsOnceAsync(prefix, ct), cancellationToken).ConfigureAwait(false)).Result;

    public async Task AbortUploadAsync(PendingUpload upload, CancellationToken cancellationToken) =>
        await guard.RunAsync(
            $"abort multipart upload of {upload.Key}",
            ct => s3.AbortMultipartUploadAsync(bucket, upload.Key, upload.UploadId, ct),
            cancellationToken).ConfigureAwait(false);

    public async Task<ThawAnswer> RequestThawAsync(string key, int days, string tier, CancellationToken cancellationToken) =>
        (await guard.RunAsync(
            $"restore {key}",
            async ct =>
            {
                try
                {
                    await s3.RestoreObjectAsync(
                        new RestoreObjectRequest { BucketName = bucket, Key = key, Days = days, RetrievalTier = GlacierJobTier.FindValue(tier) },
                        ct).ConfigureAwait(false);
                    return ThawAnswer.Thawing;
                }
                catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.Conflict && e.ErrorCode == "RestoreAlreadyInProgress")
                {
                    return ThawAnswer.Thawing;
                }
                catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotImplemented)
                {
                    return ThawAnswer.NotArchived;
                }
            },
            cancellationToken).ConfigureAwait(false)).Result;

    public async Task<AbortRule> AbortRuleAsync(string prefix, CancellationToken cancellationToken) =>
        (await guard.RunAsync(
            "get lifecycle configuration",
            async ct =>
            {
                try
                {
                    GetLifecycleConfigurationResponse response = await s3.GetLifecycleConfigurationAsync(bucket, ct).ConfigureAwait(false);
                    LifecycleRule? rule = response.Configuration?.Rules?.FirstOrDefault(r =>
                        r.Status == LifecycleRuleStatus.Enabled
                        && r.AbortIncompleteMultipartUpload?.DaysAfterInitiation is > 0
                        && prefix.StartsWith(r.Filter?.LifecycleFilterPredicate is LifecyclePrefixPredicate p ? p.Prefix ?? string.Empty : string.Empty, StringComparison.Ordinal));
                    return new AbortRule(rule?.Id, rule?.AbortIncompleteMultipartUpload.DaysAfterInitiation ?? 0, null);
                }
                catch (AmazonS3Exception e) when (e.ErrorCode is "NoSuchLifecycleConfiguration" or "NotImplemented" or "AccessDenied")
                {
                    return new AbortRule(null, 0, e.ErrorCode);
                }
            },
            cancellationToken).ConfigureAwait(false)).Result;

    private async Task<ObjectHead?> HeadOnceAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            GetObjectMetadataResponse head = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = key }, cancellationToken).ConfigureAwait(false);
            return new ObjectHead(
                head.ContentLength,
                head.ETag ?? string.Empty,
                head.Metadata[FileUpload.Sha256Metadata],
                head.StorageClass?.Value ?? "STANDARD",
                head.RestoreInProgress == true,
                head.RestoreExpiration);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private async Task<List<PendingUpload>> ListUploadsOnceAsync(string prefix, CancellationToken cancellationToken)
    {
        var all = new List<PendingUpload>();
        var request = new ListMultipartUploadsRequest { BucketName = bucket, Prefix = prefix };
        while (true)
        {
            ListMultipartUploadsResponse page = await s3.ListMultipartUploadsAsync(request, cancellationToken).ConfigureAwait(false);
            all.AddRange((page.MultipartUploads ?? []).Select(u => new PendingUpload(u.Key, u.UploadId, u.Initiated is { } at ? new DateTimeOffset(at.ToUniversalTime()) : null)));
            if (page.IsTruncated != true)
            {
                return all;
            }

            request.KeyMarker = page.NextKeyMarker;
            request.UploadIdMarker = page.NextUploadIdMarker;
        }
    }

    private async Task AbortUploadsOfAsync(string key, CancellationToken cancellationToken)
    {
        foreach (PendingUpload upload in (await ListUploadsOnceAsync(key, cancellationToken).ConfigureAwait(false)).Where(u => u.Key == key))
        {
            await s3.AbortMultipartUploadAsync(bucket, key, upload.UploadId, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task TransferAsync(string key, string path, FileUpload upload, Action<long> progress, CancellationToken cancellationToken)
    {
        var config = new TransferUtilityConfig
        {
            ConcurrentServiceRequests = upload.Concurrency,
            // A file of at most one part goes as a single PUT: its ETag is then the MD5 of its bytes (docs/FORMAT.md).
            MinSizeBeforePartUpload = upload.PartSize + 1,
        };
        using var transfer = new TransferUtility(s3, config);
        var request = new TransferUtilityUploadRequest
        {
            BucketName = bucket,
            Key = key,
            FilePath = path,
            PartSize = upload.PartSize,
            StorageClass = S3StorageClass.FindValue(upload.StorageClass),
            ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256,
        };
        request.Metadata.Add(FileUpload.Sha256Metadata, upload.Sha256);
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
            progress(e.TransferredBytes - seen);
        };
        try
        {
            await transfer.UploadAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // A retry starts from zero: what this attempt counted did not stay.
            progress(-Interlocked.Exchange(ref reported, 0));
            await AbortAfterFailureAsync(key).ConfigureAwait(false);
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
}
