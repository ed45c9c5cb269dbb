using BtrfsToS3.Uploader.S3;

namespace BtrfsToS3.Uploader.Upload;

/// <summary>
/// <see cref="IChunkStore"/> over the object store: every request carries the checksums the spooler recorded (the
/// chunk's and each part's MD5, and CRC-32 where S3 checks it), the data storage class, and the Object Lock of the
/// chunk's generation.
/// </summary>
/// <param name="locks">The lock policy the repository writes manifests and pointers with; null when [s3] object_lock is
/// off.</param>
internal sealed class ChunkStore(IObjectStore store, S3Options options, LockPolicy? locks) : IChunkStore
{
    /// <summary>
    /// True where chunks carry a full-object CRC-32 that S3 checks and keeps (AWS); false for a server without flexible
    /// checksums ([s3] request_checksum_calculation = when_required), where Content-MD5 alone guards each part.
    /// </summary>
    private bool FlexibleChecksums => !options.ChecksumsWhenRequiredOnly;

    public string Address(string key) => store.Address(key);

    public Task<ObjectHead?> HeadAsync(string key, CancellationToken cancellationToken) =>
        store.HeadAsync(key, cancellationToken);

    public Task<int> PutAsync(
        string key,
        ReadyChunk chunk,
        Action<long> progress,
        CancellationToken cancellationToken
    ) => store.PutFileAsync(key, PartOf(chunk, 1), ChunkWriteOf(chunk), progress, cancellationToken);

    public Task<string> StartAsync(string key, ReadyChunk chunk, CancellationToken cancellationToken) =>
        store.StartUploadAsync(key, ChunkWriteOf(chunk), cancellationToken);

    public Task<IReadOnlyList<StoredPart>?> PartsAsync(
        string key,
        string uploadId,
        CancellationToken cancellationToken
    ) => store.ListPartsAsync(key, uploadId, cancellationToken);

    public Task<(string Etag, int Retries)> SendPartAsync(
        string key,
        string uploadId,
        ReadyChunk chunk,
        int number,
        Action<long> progress,
        CancellationToken cancellationToken
    ) => store.UploadPartAsync(key, uploadId, PartOf(chunk, number), progress, cancellationToken);

    public Task CompleteAsync(
        string key,
        string uploadId,
        ChunkRecord record,
        IReadOnlyList<string> etags,
        CancellationToken cancellationToken
    ) =>
        store.CompleteUploadAsync(
            key,
            uploadId,
            [
                .. etags.Select(
                    (etag, i) => new CompletedPart(i + 1, etag, FlexibleChecksums ? record.Parts[i].Crc32 : null)
                ),
            ],
            FlexibleChecksums ? record.Crc32 : null,
            cancellationToken
        );

    public async Task AbortUploadsAsync(string key, CancellationToken cancellationToken)
    {
        // The listing is by prefix: it may hold uploads of longer keys, which are not this one's.
        foreach (PendingUpload upload in await store.ListUploadsAsync(key, cancellationToken))
        {
            if (upload.Key == key)
            {
                await store.AbortUploadAsync(upload, cancellationToken);
            }
        }
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken) =>
        store.DeleteAsync([key], cancellationToken);

    private ChunkWrite ChunkWriteOf(ReadyChunk chunk) =>
        new(
            options.StorageClassData,
            chunk.Record.Sha256,
            FlexibleChecksums ? chunk.Record.Crc32 : null,
            locks?.For(chunk.Header.Generation)
        );

    private PartWrite PartOf(ReadyChunk chunk, int number)
    {
        (long offset, long length) = chunk.Record.PartRange(number);
        PartRecord part = chunk.Record.Parts[number - 1];
        return new PartWrite(number, chunk.DataPath, offset, length, part.Md5, FlexibleChecksums ? part.Crc32 : null);
    }
}
