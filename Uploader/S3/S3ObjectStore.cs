using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace BtrfsToS3.Uploader.S3;

/// <summary>
/// <see cref="IObjectStore"/> on S3 through the AWS SDK: the only user of <see cref="IAmazonS3"/>. Every call goes
/// through the <see cref="OutageGuard"/>, so an outage anywhere (upload, retention, verify, restore) is waited out for
/// give_up_after and then ends the run with exit 75, never as an internal error. Chunk bodies, both ways, go through
/// the <see cref="BandwidthLimiter"/> ([uploader] bandwidth); the small format objects do not.
/// </summary>
internal sealed class S3ObjectStore(IAmazonS3 s3, string bucket, OutageGuard guard, BandwidthLimiter bandwidth)
    : IObjectStore
{
    public string Address(string key) => $"s3://{bucket}/{key}";

    public async Task<ObjectBody?> GetAsync(
        string key,
        string? versionId,
        long maxBytes,
        CancellationToken cancellationToken
    ) =>
        (
            await guard.RunAsync(
                versionId is null ? $"get {key}" : $"get {key} version {versionId}",
                ct => GetWholeOnceAsync(key, versionId, maxBytes, ct),
                cancellationToken
            )
        ).Result;

    public async Task<IReadOnlyList<ObjectVersion>> ListVersionsAsync(
        string key,
        CancellationToken cancellationToken
    ) =>
        [
            .. (await ListVersionsUnderAsync(key, cancellationToken))
                .Where(v => v.Key == key && !v.IsDeleteMarker)
                .Select(v => new ObjectVersion(v.VersionId, v.LastModified))
                .OrderByDescending(v => v.LastModified),
        ];

    public async Task<IReadOnlyList<StoredVersion>> ListVersionsUnderAsync(
        string prefix,
        CancellationToken cancellationToken
    ) =>
        (
            await guard.RunAsync(
                $"list versions under {prefix}",
                async ct =>
                {
                    var all = new List<StoredVersion>();
                    var request = new ListVersionsRequest { BucketName = bucket, Prefix = prefix };
                    while (true)
                    {
                        ListVersionsResponse page = await s3.ListVersionsAsync(request, ct);
                        all.AddRange(
                            (page.Versions ?? []).Select(v => new StoredVersion(
                                v.Key,
                                v.VersionId ?? "null",
                                v.Size ?? 0,
                                v.LastModified is { } at
                                    ? new DateTimeOffset(at.ToUniversalTime())
                                    : DateTimeOffset.MinValue,
                                v.IsDeleteMarker == true
                            ))
                        );
                        if (page.IsTruncated != true)
                        {
                            return (IReadOnlyList<StoredVersion>)all;
                        }

                        request.KeyMarker = page.NextKeyMarker;
                        request.VersionIdMarker = page.NextVersionIdMarker;
                    }
                },
                cancellationToken
            )
        ).Result;

    public async Task<ObjectWritten?> PutAsync(
        string key,
        byte[] body,
        ObjectWrite write,
        CancellationToken cancellationToken
    ) =>
        (
            await guard.RunAsync(
                $"put {key}",
                async ct =>
                {
                    if (await PutOnceAsync(key, body, write, write.IfMatch, ct) is { } written)
                    {
                        return written;
                    }

                    // Ceph RGW 16 compares If-Match with the stored ETag stripped of its quotes, so the quoted form S3
                    // sends and AWS takes (RFC 9110 entity-tag) never matches there (tried). A 412 while the object
                    // still has the ETag we named can only be that: the write is sent again with the bare ETag, still
                    // conditional.
                    if (
                        write.IfMatch is not { } etag
                        || !etag.StartsWith('"')
                        || await HeadOnceAsync(key, null, ct) is not { } head
                        || head.Etag != etag
                    )
                    {
                        return null;
                    }

                    if (await PutOnceAsync(key, body, write, etag.Trim('"'), ct) is { } rewritten)
                    {
                        return rewritten;
                    }

                    // Refused again: another writer in between, or a server that never honours If-Match on this bucket.
                    return (await HeadOnceAsync(key, null, ct))?.Etag != etag
                        ? null
                        : throw new BackupFailure(
                            FailureKind.Unavailable,
                            $"put {key}: the S3 server refuses every conditional overwrite (If-Match) although the object still has the ETag named (Ceph RGW does so in versioned buckets, hence with Object Lock); the pointer cannot be written safely there"
                        );
                },
                cancellationToken
            )
        ).Result;

    public async Task<ObjectHead?> HeadAsync(string key, string? versionId, CancellationToken cancellationToken) =>
        (
            await guard.RunAsync(
                versionId is null ? $"head {key}" : $"head {key} version {versionId}",
                ct => HeadOnceAsync(key, versionId, ct),
                cancellationToken
            )
        ).Result;

    public async Task<IReadOnlyList<StoredObject>> ListAsync(string prefix, CancellationToken cancellationToken) =>
        (
            await guard.RunAsync(
                $"list {prefix}",
                async ct =>
                {
                    var all = new List<StoredObject>();
                    var request = new ListObjectsV2Request { BucketName = bucket, Prefix = prefix };
                    while (true)
                    {
                        ListObjectsV2Response page = await s3.ListObjectsV2Async(request, ct);
                        all.AddRange(
                            (page.S3Objects ?? []).Select(o => new StoredObject(
                                o.Key,
                                o.Size ?? 0,
                                o.LastModified is { } at
                                    ? new DateTimeOffset(at.ToUniversalTime())
                                    : DateTimeOffset.MinValue
                            ))
                        );
                        if (page.IsTruncated != true)
                        {
                            return all;
                        }

                        request.ContinuationToken = page.NextContinuationToken;
                    }
                },
                cancellationToken
            )
        ).Result;

    public async Task<IReadOnlyList<string>> ListFoldersAsync(string prefix, CancellationToken cancellationToken) =>
        (
            await guard.RunAsync(
                $"list {prefix}",
                async ct =>
                {
                    var all = new List<string>();
                    var request = new ListObjectsV2Request
                    {
                        BucketName = bucket,
                        Prefix = prefix,
                        Delimiter = "/",
                    };
                    while (true)
                    {
                        ListObjectsV2Response page = await s3.ListObjectsV2Async(request, ct);
                        all.AddRange(page.CommonPrefixes ?? []);
                        if (page.IsTruncated != true)
                        {
                            return all;
                        }

                        request.ContinuationToken = page.NextContinuationToken;
                    }
                },
                cancellationToken
            )
        ).Result;

    public async Task DeleteAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        if (keys.Count == 0)
        {
            return;
        }

        await guard.RunAsync(
            $"delete {keys.Count} objects under {keys[0]}",
            ct =>
                s3.DeleteObjectsAsync(
                    new DeleteObjectsRequest
                    {
                        BucketName = bucket,
                        Objects = [.. keys.Select(k => new KeyVersion { Key = k })],
                    },
                    ct
                ),
            cancellationToken
        );
    }

    public async Task DeleteVersionsAsync(IReadOnlyList<StoredVersion> versions, CancellationToken cancellationToken)
    {
        if (versions.Count == 0)
        {
            return;
        }

        await guard.RunAsync(
            $"delete {versions.Count} versions under {versions[0].Key}",
            ct =>
                s3.DeleteObjectsAsync(
                    new DeleteObjectsRequest
                    {
                        BucketName = bucket,
                        Objects = [.. versions.Select(v => new KeyVersion { Key = v.Key, VersionId = v.VersionId })],
                    },
                    ct
                ),
            cancellationToken
        );
    }

    public async Task<int> PutFileAsync(
        string key,
        PartWrite part,
        ChunkWrite write,
        Action<long> progress,
        CancellationToken cancellationToken
    ) =>
        (
            await guard.RunAsync(
                $"upload {key}",
                async ct =>
                {
                    using ThrottledStream body = Body(part);
                    var request = new PutObjectRequest
                    {
                        BucketName = bucket,
                        Key = key,
                        InputStream = body,
                        AutoCloseStream = false,
                        MD5Digest = Md5Header(part.Md5),
                        UseChunkEncoding = false,
                        ChecksumCRC32 = write.Crc32,
                        StorageClass = S3StorageClass.FindValue(write.StorageClass),
                        ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256,
                        ObjectLockMode = write.Lock is null ? null : ObjectLockMode.FindValue(write.Lock.Mode),
                        ObjectLockRetainUntilDate = write.Lock?.RetainUntil.UtcDateTime,
                    };
                    request.Metadata.Add(ChunkWrite.Sha256Metadata, write.Sha256);
                    await SendCountedAsync(
                        part.Number,
                        progress,
                        h => request.StreamTransferProgress += h,
                        () => s3.PutObjectAsync(request, ct)
                    );
                    return 0;
                },
                cancellationToken
            )
        ).Retries;

    public async Task<string> StartUploadAsync(string key, ChunkWrite write, CancellationToken cancellationToken) =>
        (
            await guard.RunAsync(
                $"start multipart upload of {key}",
                async ct =>
                {
                    var request = new InitiateMultipartUploadRequest
                    {
                        BucketName = bucket,
                        Key = key,
                        StorageClass = S3StorageClass.FindValue(write.StorageClass),
                        ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256,
                        ObjectLockMode = write.Lock is null ? null : ObjectLockMode.FindValue(write.Lock.Mode),
                        ObjectLockRetainUntilDate = write.Lock?.RetainUntil.UtcDateTime,
                    };
                    if (write.Crc32 is not null)
                    {
                        // A full-object CRC-32: S3 checks the whole object against it when the upload completes, and
                        // keeps it for HEAD (S3 user guide, "Checking object integrity in Amazon S3", full object
                        // checksums).
                        request.ChecksumAlgorithm = ChecksumAlgorithm.CRC32;
                        request.ChecksumType = ChecksumType.FULL_OBJECT;
                    }

                    request.Metadata.Add(ChunkWrite.Sha256Metadata, write.Sha256);
                    return (await s3.InitiateMultipartUploadAsync(request, ct)).UploadId;
                },
                cancellationToken
            )
        ).Result;

    public async Task<IReadOnlyList<StoredPart>?> ListPartsAsync(
        string key,
        string uploadId,
        CancellationToken cancellationToken
    ) =>
        (
            await guard.RunAsync(
                $"list parts of {key}",
                async ct =>
                {
                    var all = new List<StoredPart>();
                    var request = new ListPartsRequest
                    {
                        BucketName = bucket,
                        Key = key,
                        UploadId = uploadId,
                    };
                    try
                    {
                        while (true)
                        {
                            ListPartsResponse page = await s3.ListPartsAsync(request, ct);
                            all.AddRange(
                                (page.Parts ?? []).Select(p => new StoredPart(
                                    p.PartNumber ?? 0,
                                    p.ETag ?? string.Empty,
                                    p.Size ?? 0
                                ))
                            );
                            if (page.IsTruncated != true)
                            {
                                return all;
                            }

                            request.PartNumberMarker = page.NextPartNumberMarker?.ToString(
                                System.Globalization.CultureInfo.InvariantCulture
                            );
                        }
                    }
                    catch (AmazonS3Exception e) when (IsUploadGone(e))
                    {
                        return null;
                    }
                },
                cancellationToken
            )
        ).Result;

    public async Task<(string Etag, int Retries)> UploadPartAsync(
        string key,
        string uploadId,
        PartWrite part,
        Action<long> progress,
        CancellationToken cancellationToken
    ) =>
        await guard.RunAsync(
            $"upload part {part.Number} of {key}",
            async ct =>
            {
                using ThrottledStream body = Body(part);
                var request = new UploadPartRequest
                {
                    BucketName = bucket,
                    Key = key,
                    UploadId = uploadId,
                    PartNumber = part.Number,
                    InputStream = body,
                    PartSize = part.Length,
                    MD5Digest = Md5Header(part.Md5),
                    UseChunkEncoding = false,
                    ChecksumCRC32 = part.Crc32,
                };
                try
                {
                    UploadPartResponse response = await SendCountedAsync(
                        part.Number,
                        progress,
                        h => request.StreamTransferProgress += h,
                        () => s3.UploadPartAsync(request, ct)
                    );
                    return response.ETag ?? string.Empty;
                }
                catch (AmazonS3Exception e) when (IsUploadGone(e))
                {
                    throw new UploadGoneException(key, uploadId);
                }
            },
            cancellationToken
        );

    public async Task CompleteUploadAsync(
        string key,
        string uploadId,
        IReadOnlyList<CompletedPart> parts,
        string? crc32,
        CancellationToken cancellationToken
    ) =>
        await guard.RunAsync(
            $"complete multipart upload of {key}",
            async ct =>
            {
                var request = new CompleteMultipartUploadRequest
                {
                    BucketName = bucket,
                    Key = key,
                    UploadId = uploadId,
                    PartETags =
                    [
                        .. parts.Select(p => new PartETag
                        {
                            PartNumber = p.Number,
                            ETag = p.Etag,
                            ChecksumCRC32 = p.Crc32,
                        }),
                    ],
                };
                if (crc32 is not null)
                {
                    request.ChecksumCRC32 = crc32;
                    request.ChecksumType = ChecksumType.FULL_OBJECT;
                }

                try
                {
                    await s3.CompleteMultipartUploadAsync(request, ct);
                    return 0;
                }
                catch (AmazonS3Exception e) when (e.ErrorCode == "BadDigest")
                {
                    throw new PartRefusedException(0, Answer(e));
                }
                catch (AmazonS3Exception e) when (IsUploadGone(e))
                {
                    throw new UploadGoneException(key, uploadId);
                }
            },
            cancellationToken
        );

    public async Task ReadAsync(
        string key,
        string? versionId,
        (long First, long Last)? range,
        Func<Stream, CancellationToken, Task> consume,
        CancellationToken cancellationToken
    ) =>
        await guard.RunAsync(
            (range is { } r ? $"get {key} bytes {r.First}-{r.Last}" : $"get {key}")
                + (versionId is null ? string.Empty : $" version {versionId}"),
            async ct =>
            {
                var request = new GetObjectRequest
                {
                    BucketName = bucket,
                    Key = key,
                    VersionId = versionId,
                };
                if (range is { } bytes)
                {
                    request.ByteRange = new ByteRange(bytes.First, bytes.Last);
                }

                try
                {
                    using GetObjectResponse response = await s3.GetObjectAsync(request, ct);
                    await using var body = new ThrottledStream(response.ResponseStream, bandwidth, ownsInner: false);
                    await consume(body, ct);
                    return 0;
                }
                catch (AmazonS3Exception e) when (e.ErrorCode == "InvalidObjectState")
                {
                    throw new ObjectNotThawedException(Address(key));
                }
            },
            cancellationToken
        );

    public async Task<IReadOnlyList<PendingUpload>> ListUploadsAsync(
        string prefix,
        CancellationToken cancellationToken
    ) =>
        (
            await guard.RunAsync(
                $"list multipart uploads under {prefix}",
                ct => ListUploadsOnceAsync(prefix, ct),
                cancellationToken
            )
        ).Result;

    public async Task AbortUploadAsync(PendingUpload upload, CancellationToken cancellationToken) =>
        await guard.RunAsync(
            $"abort multipart upload of {upload.Key}",
            ct => s3.AbortMultipartUploadAsync(bucket, upload.Key, upload.UploadId, ct),
            cancellationToken
        );

    public async Task ExtendLockAsync(
        string key,
        string? versionId,
        ObjectLock objectLock,
        CancellationToken cancellationToken
    ) =>
        await guard.RunAsync(
            $"extend the lock of {key}",
            ct =>
                s3.PutObjectRetentionAsync(
                    new PutObjectRetentionRequest
                    {
                        BucketName = bucket,
                        Key = key,
                        VersionId = versionId,
                        Retention = new ObjectLockRetention
                        {
                            Mode = ObjectLockRetentionMode.FindValue(objectLock.Mode),
                            RetainUntilDate = objectLock.RetainUntil.UtcDateTime,
                        },
                    },
                    ct
                ),
            cancellationToken
        );

    public async Task<ThawAnswer> RequestThawAsync(
        string key,
        string? versionId,
        int days,
        string tier,
        CancellationToken cancellationToken
    ) =>
        (
            await guard.RunAsync(
                $"restore {key}",
                async ct =>
                {
                    try
                    {
                        await s3.RestoreObjectAsync(
                            new RestoreObjectRequest
                            {
                                BucketName = bucket,
                                Key = key,
                                VersionId = versionId,
                                Days = days,
                                RetrievalTier = GlacierJobTier.FindValue(tier),
                            },
                            ct
                        );
                        return ThawAnswer.Thawing;
                    }
                    catch (AmazonS3Exception e)
                        when (e.StatusCode == HttpStatusCode.Conflict && e.ErrorCode == "RestoreAlreadyInProgress")
                    {
                        return ThawAnswer.Thawing;
                    }
                    catch (AmazonS3Exception e)
                        when (e.StatusCode == HttpStatusCode.NotImplemented
                            || e.ErrorCode == "ObjectAlreadyInActiveTierError"
                        )
                    {
                        // RGW has no archive tier (501); AWS answers 403 ObjectAlreadyInActiveTierError for an object
                        // that is not (or no longer) archived, which a GET reads at once (API reference,
                        // RestoreObject).
                        return ThawAnswer.NotArchived;
                    }
                },
                cancellationToken
            )
        ).Result;

    public async Task<BucketLifecycle> LifecycleAsync(CancellationToken cancellationToken) =>
        (
            await guard.RunAsync(
                "get lifecycle configuration",
                async ct =>
                {
                    try
                    {
                        return BucketLifecycleReader.From(await s3.GetLifecycleConfigurationAsync(bucket, ct));
                    }
                    catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchLifecycleConfiguration")
                    {
                        return BucketLifecycle.None;
                    }
                    catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotImplemented)
                    {
                        return BucketLifecycle.None with
                        {
                            Problem = "the server does not implement lifecycle configurations (501)",
                        };
                    }
                    catch (AmazonUnmarshallingException e)
                    {
                        // Ceph RGW 16 answers a filter of several conditions without its And element, which the SDK
                        // refuses.
                        return BucketLifecycle.None with { Problem = $"S3's answer could not be read: {e.Message}" };
                    }
                },
                cancellationToken
            )
        ).Result;

    public async Task<string> VersioningAsync(CancellationToken cancellationToken) =>
        (
            await guard.RunAsync(
                "get bucket versioning",
                async ct => (await s3.GetBucketVersioningAsync(bucket, ct)).VersioningConfig?.Status?.Value ?? "Off",
                cancellationToken
            )
        ).Result;

    public async Task<ObjectLockState> ObjectLockAsync(CancellationToken cancellationToken) =>
        (
            await guard.RunAsync(
                "get object lock configuration",
                async ct =>
                {
                    try
                    {
                        ObjectLockConfiguration? lockConfiguration = (
                            await s3.GetObjectLockConfigurationAsync(
                                new GetObjectLockConfigurationRequest { BucketName = bucket },
                                ct
                            )
                        ).ObjectLockConfiguration;
                        DefaultRetention? retention = lockConfiguration?.Rule?.DefaultRetention;
                        return new ObjectLockState(
                            lockConfiguration?.ObjectLockEnabled == ObjectLockEnabled.Enabled,
                            retention?.Mode?.Value,
                            retention?.Days,
                            retention?.Years
                        );
                    }
                    catch (AmazonS3Exception e)
                        when (e.ErrorCode == "ObjectLockConfigurationNotFoundError"
                            || e.StatusCode == HttpStatusCode.NotImplemented
                        )
                    {
                        return ObjectLockState.Off;
                    }
                },
                cancellationToken
            )
        ).Result;

    /// <summary>
    /// One GET of a whole small object, or of the version named; null when there is no such object or version (S3
    /// answers 400 InvalidArgument for a version id it cannot read as one).
    /// </summary>
    private async Task<ObjectBody?> GetWholeOnceAsync(
        string key,
        string? versionId,
        long maxBytes,
        CancellationToken cancellationToken
    )
    {
        try
        {
            using GetObjectResponse response = await s3.GetObjectAsync(
                new GetObjectRequest
                {
                    BucketName = bucket,
                    Key = key,
                    VersionId = versionId,
                },
                cancellationToken
            );
            if (response.ContentLength > maxBytes)
            {
                throw TooLarge(key, versionId, response.ContentLength, maxBytes);
            }

            // Content-Length said how much comes, but the bytes are counted as they arrive all the same: a server that
            // sends more than it announced gets no more memory than the bound.
            using var buffer = new MemoryStream((int)Math.Max(response.ContentLength, 0));
            byte[] piece = new byte[64 * 1024];
            int n;
            while ((n = await response.ResponseStream.ReadAsync(piece, cancellationToken)) > 0)
            {
                if (buffer.Length + n > maxBytes)
                {
                    throw TooLarge(key, versionId, buffer.Length + n, maxBytes);
                }

                buffer.Write(piece, 0, n);
            }

            string? signature = response.Metadata[ObjectWrite.SignatureMetadata];
            return new ObjectBody(
                buffer.ToArray(),
                response.ETag ?? string.Empty,
                Version(response.VersionId),
                string.IsNullOrEmpty(signature) ? null : signature
            );
        }
        catch (AmazonS3Exception e)
            when (e.StatusCode == HttpStatusCode.NotFound
                || (
                    versionId is not null
                    && e.StatusCode == HttpStatusCode.BadRequest
                    && e.ErrorCode == "InvalidArgument"
                )
            )
        {
            return null;
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "InvalidObjectState")
        {
            throw new ObjectNotThawedException(Address(key));
        }
    }

    private BackupFailure TooLarge(string key, string? versionId, long bytes, long maxBytes) =>
        new(
            FailureKind.BadData,
            $"{Address(key)}{(versionId is null ? string.Empty : $" version {versionId}")}: {bytes} bytes or more, more than the {maxBytes} bytes such an object may have (docs/FORMAT.md); it was not read, and is not trusted"
        );

    /// <summary>One PUT of a small object; null when its condition failed (412).</summary>
    private async Task<ObjectWritten?> PutOnceAsync(
        string key,
        byte[] body,
        ObjectWrite write,
        string? ifMatch,
        CancellationToken cancellationToken
    )
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
            IfMatch = ifMatch,
            // S3 wants Content-MD5 (or a flexible checksum) on a PUT with an Object Lock retention; every PUT gets it.
#pragma warning disable CA5351 // The protocol's MD5, an integrity check of the body in transit, not a security choice.
            MD5Digest = Convert.ToBase64String(System.Security.Cryptography.MD5.HashData(body)),
#pragma warning restore CA5351
            // A few KiB: signed whole in one pass rather than in aws-chunked frames.
            UseChunkEncoding = false,
            ObjectLockMode = write.Lock is null ? null : ObjectLockMode.FindValue(write.Lock.Mode),
            ObjectLockRetainUntilDate = write.Lock?.RetainUntil.UtcDateTime,
        };
        if (write.Signature is not null)
        {
            request.Metadata.Add(ObjectWrite.SignatureMetadata, write.Signature);
        }

        try
        {
            PutObjectResponse response = await s3.PutObjectAsync(request, cancellationToken);
            return new ObjectWritten(Version(response.VersionId));
        }
        catch (AmazonS3Exception e) when (write.Conditional && e.StatusCode == HttpStatusCode.PreconditionFailed)
        {
            return null;
        }
        catch (AmazonS3Exception e) when (ifMatch is not null && e.StatusCode == HttpStatusCode.NotFound)
        {
            // If-Match on a key with no object: AWS answers 404 NoSuchKey (S3 API reference, PutObject, If-Match), the
            // condition failed as surely as with a 412.
            return null;
        }
    }

    /// <summary>
    /// A version id as S3 gives it, or null where the bucket keeps no versions: S3 then sends none, or "null" (the id
    /// of an object written while versioning was off or suspended, which the next such write replaces).
    /// </summary>
    private static string? Version(string? versionId) => versionId is { Length: > 0 } and not "null" ? versionId : null;

    private async Task<ObjectHead?> HeadOnceAsync(string key, string? versionId, CancellationToken cancellationToken)
    {
        try
        {
            // Checksum mode asks S3 for the object's stored checksum (HeadObject, x-amz-checksum-mode: ENABLED).
            GetObjectMetadataResponse head = await s3.GetObjectMetadataAsync(
                new GetObjectMetadataRequest
                {
                    BucketName = bucket,
                    Key = key,
                    VersionId = versionId,
                    ChecksumMode = ChecksumMode.ENABLED,
                },
                cancellationToken
            );
            return new ObjectHead(
                head.ContentLength,
                head.ETag ?? string.Empty,
                head.ChecksumType == ChecksumType.FULL_OBJECT ? head.ChecksumCRC32 : null,
                head.Metadata[ChunkWrite.Sha256Metadata],
                head.StorageClass?.Value ?? "STANDARD",
                head.RestoreInProgress == true,
                head.RestoreExpiration,
                head.ObjectLockMode?.Value is { Length: > 0 } mode && head.ObjectLockRetainUntilDate is { } until
                    ? new ObjectLock(mode, new DateTimeOffset(until.ToUniversalTime(), TimeSpan.Zero))
                    : null,
                Version(head.VersionId)
            );
        }
        catch (AmazonS3Exception e)
            when (e.StatusCode == HttpStatusCode.NotFound
                || (versionId is not null && e.StatusCode == HttpStatusCode.BadRequest)
            )
        {
            // A version id S3 cannot read as one is a 400 (see GetWholeOnceAsync): no such version.
            return null;
        }
    }

    private async Task<List<PendingUpload>> ListUploadsOnceAsync(string prefix, CancellationToken cancellationToken)
    {
        var all = new List<PendingUpload>();
        var request = new ListMultipartUploadsRequest { BucketName = bucket, Prefix = prefix };
        while (true)
        {
            ListMultipartUploadsResponse page = await s3.ListMultipartUploadsAsync(request, cancellationToken);
            all.AddRange(
                (page.MultipartUploads ?? []).Select(u => new PendingUpload(
                    u.Key,
                    u.UploadId,
                    u.Initiated is { } at ? new DateTimeOffset(at.ToUniversalTime()) : null
                ))
            );
            if (page.IsTruncated != true)
            {
                return all;
            }

            request.KeyMarker = page.NextKeyMarker;
            request.UploadIdMarker = page.NextUploadIdMarker;
        }
    }

    /// <summary>
    /// Sends a request whose body reports its progress, counting each byte once; when the attempt fails, what it
    /// counted is taken back (a retry sends the part again from its start). A part whose bytes do not match the
    /// checksums sent with it is refused by S3 (400 BadDigest), which no retry mends.
    /// </summary>
    private static async Task<T> SendCountedAsync<T>(
        int part,
        Action<long> progress,
        Action<EventHandler<Amazon.Runtime.StreamTransferProgressArgs>> subscribe,
        Func<Task<T>> send
    )
    {
        long counted = 0;
        subscribe(
            (_, e) =>
            {
                Interlocked.Add(ref counted, e.IncrementTransferred);
                progress(e.IncrementTransferred);
            }
        );
        try
        {
            return await send();
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "BadDigest")
        {
            progress(-Interlocked.Exchange(ref counted, 0));
            throw new PartRefusedException(part, Answer(e));
        }
        catch
        {
            progress(-Interlocked.Exchange(ref counted, 0));
            throw;
        }
    }

    /// <summary>
    /// A part's body, drawn from the bandwidth cap as it is sent. The requests that carry it set UseChunkEncoding =
    /// false: the SHA-256 of the whole payload goes in the signature, computed by the SDK in a pass of its own before
    /// it sends (read from the page cache, and drawing nothing from the cap), rather than a chain of signed 80 KiB
    /// chunks, so the server checks one hash instead of a signature per chunk. Measured with bench-upload.sh against
    /// the local server, whose CPU is the limit there: 24.9 instead of 27.5 server CPU seconds for 3 GiB, and 1.07
    /// instead of 0.91 times awscli's rate (awscli signs the same way).
    /// </summary>
    private ThrottledStream Body(PartWrite part) =>
        new(
            new FileSliceStream(part.Path, part.Offset, part.Length),
            bandwidth,
            ownsInner: true,
            hashedBeforeSent: true
        );

    /// <summary>S3's answer for a person: its status and code, and its message where it sent one (Ceph RGW sends
    /// none).</summary>
    private static string Answer(AmazonS3Exception e) =>
        $"{(int)e.StatusCode} {e.ErrorCode}" + (string.IsNullOrEmpty(e.Message) ? string.Empty : $": {e.Message}");

    /// <summary>S3's Content-MD5 header is the base64 of the binary MD5; the spool records it in hex, as ETags
    /// are.</summary>
    private static string Md5Header(string hex) => Convert.ToBase64String(Convert.FromHexString(hex));

    /// <summary>AWS answers 404 NoSuchUpload for an upload it does not know; Ceph RGW answers 404 NoSuchKey.</summary>
    private static bool IsUploadGone(AmazonS3Exception e) =>
        e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode is "NoSuchUpload" or "NoSuchKey";
}
