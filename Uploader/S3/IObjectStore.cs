namespace BtrfsToS3.Uploader.S3;

/// <summary>
/// The bucket as a store of objects, and nothing more (restic's backend): save, load, stat, list, remove, and the few
/// S3 verbs a backup needs besides (multipart uploads, thaws, the lifecycle rule). It knows no format; what the keys
/// and bodies mean is <see cref="Repository.BackupRepository"/>'s. Every call waits out an outage (the
/// implementation's <see cref="OutageGuard"/>); expected answers (no such key, a conditional write that lost, an
/// archived object) come back as results, never as S3 exceptions.
/// </summary>
internal interface IObjectStore
{
    /// <summary>The object's address for people: <c>s3://bucket/key</c>.</summary>
    string Address(string key);

    /// <summary>
    /// The whole of a small object (the version named, or the current one when null) with its ETag, version and
    /// signature, or null when there is no such key or version. An object larger than <paramref name="maxBytes"/> is
    /// refused (bad data) by its length, before its body is read, so that memory stays bounded whatever the bucket
    /// holds. Throws <see cref="ObjectNotThawedException"/> for an object in an archive storage class (a lifecycle rule
    /// can move any object there).
    /// </summary>
    Task<ObjectBody?> GetAsync(string key, string? versionId, long maxBytes, CancellationToken cancellationToken);

    /// <summary>The versions of exactly this key, newest first, delete markers left out (a versioned bucket).</summary>
    Task<IReadOnlyList<ObjectVersion>> ListVersionsAsync(string key, CancellationToken cancellationToken);

    /// <summary>Every version under the prefix, delete markers included (a versioned bucket).</summary>
    Task<IReadOnlyList<StoredVersion>> ListVersionsUnderAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the object; null when the write was conditional (<see cref="ObjectWrite.Conditional"/>) and its
    /// condition failed: the key is taken, or the object there no longer has the ETag named.
    /// </summary>
    Task<ObjectWritten?> PutAsync(string key, byte[] body, ObjectWrite write, CancellationToken cancellationToken);

    /// <summary>The HEAD of the object's current version, or null when there is no such key.</summary>
    Task<ObjectHead?> HeadAsync(string key, CancellationToken cancellationToken) =>
        HeadAsync(key, null, cancellationToken);

    /// <summary>The HEAD of the version named (the current one when null), or null when there is no such key or
    /// version.</summary>
    Task<ObjectHead?> HeadAsync(string key, string? versionId, CancellationToken cancellationToken);

    /// <summary>Every object under the prefix.</summary>
    Task<IReadOnlyList<StoredObject>> ListAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>The "folders" right below the prefix (keys up to the next '/'), each ending in '/'.</summary>
    Task<IReadOnlyList<string>> ListFoldersAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>Deletes the objects (up to 1,000, one request).</summary>
    Task DeleteAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the versions for good (up to 1,000, one request): in a versioned bucket a delete without a version only
    /// adds a delete marker. S3 refuses a version under Object Lock until its date.
    /// </summary>
    Task DeleteVersionsAsync(IReadOnlyList<StoredVersion> versions, CancellationToken cancellationToken);

    /// <summary>
    /// Writes a chunk of one part with a single PUT, Content-MD5 (and CRC-32) from the spooler's record, reporting
    /// bytes sent to <paramref name="progress"/> (negative when an attempt's bytes did not stay); returns the attempts
    /// that failed on the way. Throws <see cref="PartRefusedException"/> when S3 refuses the bytes.
    /// </summary>
    Task<int> PutFileAsync(
        string key,
        PartWrite part,
        ChunkWrite write,
        Action<long> progress,
        CancellationToken cancellationToken
    );

    /// <summary>Creates a multipart upload for a chunk object; returns its upload id.</summary>
    Task<string> StartUploadAsync(string key, ChunkWrite write, CancellationToken cancellationToken);

    /// <summary>The parts S3 holds for the upload, in order; null when S3 no longer knows the upload.</summary>
    Task<IReadOnlyList<StoredPart>?> ListPartsAsync(string key, string uploadId, CancellationToken cancellationToken);

    /// <summary>
    /// Sends one part, retried on its own through an outage; returns its ETag and the attempts that failed. Throws
    /// <see cref="PartRefusedException"/> when S3 refuses its bytes, <see cref="UploadGoneException"/> when S3 no
    /// longer knows the upload.
    /// </summary>
    Task<(string Etag, int Retries)> UploadPartAsync(
        string key,
        string uploadId,
        PartWrite part,
        Action<long> progress,
        CancellationToken cancellationToken
    );

    /// <summary>
    /// Completes the upload from the parts (with the chunk's CRC-32 where one is checked): the object appears whole or
    /// not at all. Throws <see cref="PartRefusedException"/> (part 0) when S3 refuses the whole object's checksum,
    /// <see cref="UploadGoneException"/> when S3 no longer knows the upload.
    /// </summary>
    Task CompleteUploadAsync(
        string key,
        string uploadId,
        IReadOnlyList<CompletedPart> parts,
        string? crc32,
        CancellationToken cancellationToken
    );

    /// <summary>
    /// Hands the object's body (or the inclusive byte range) to <paramref name="consume"/>, again from its start after
    /// a failure; throws <see cref="ObjectNotThawedException"/> for an archived object that is not thawed.
    /// </summary>
    /// <param name="versionId">The version to read; null for the current one.</param>
    Task ReadAsync(
        string key,
        string? versionId,
        (long First, long Last)? range,
        Func<Stream, CancellationToken, Task> consume,
        CancellationToken cancellationToken
    );

    /// <summary>The multipart uploads S3 holds open under the prefix.</summary>
    Task<IReadOnlyList<PendingUpload>> ListUploadsAsync(string prefix, CancellationToken cancellationToken);

    Task AbortUploadAsync(PendingUpload upload, CancellationToken cancellationToken);

    /// <summary>
    /// Moves the Object Lock retain-until date of the object's current version later (S3 lets anyone allowed
    /// s3:PutObjectRetention lengthen a retention, in either mode; only shortening is refused).
    /// </summary>
    /// <param name="versionId">The version whose lock to extend; null for the current one.</param>
    Task ExtendLockAsync(string key, string? versionId, ObjectLock objectLock, CancellationToken cancellationToken);

    /// <summary>Asks S3 to thaw an archived object for <paramref name="days"/> days at the retrieval tier.</summary>
    /// <param name="versionId">The version to thaw; null for the current one.</param>
    Task<ThawAnswer> RequestThawAsync(
        string key,
        string? versionId,
        int days,
        string tier,
        CancellationToken cancellationToken
    );

    /// <summary>The bucket's lifecycle configuration: no rules when it has none, a problem when it cannot be
    /// read.</summary>
    Task<BucketLifecycle> LifecycleAsync(CancellationToken cancellationToken);

    /// <summary>The bucket's versioning: Off (never enabled), Enabled or Suspended.</summary>
    Task<string> VersioningAsync(CancellationToken cancellationToken);

    /// <summary>The bucket's Object Lock and its default retention; off where the bucket or the server has
    /// none.</summary>
    Task<ObjectLockState> ObjectLockAsync(CancellationToken cancellationToken);
}
