using BtrfsToS3.Uploader.S3;

namespace BtrfsToS3.Uploader.Upload;

/// <summary>
/// What sending and verifying a chunk asks of the bucket, and nothing more: a chunk of one part in one PUT, the steps
/// of a resumable multipart upload, its HEAD, and the removal of what must not stay. Each call takes the chunk as the
/// spool holds it; how its record becomes the request's checksums, storage class and lock is the implementation's.
/// </summary>
internal interface IChunkStore
{
    /// <summary>The object's address for people: <c>s3://bucket/key</c>.</summary>
    string Address(string key);

    /// <summary>The HEAD of the object's current version, or null when there is no such key.</summary>
    Task<ObjectHead?> HeadAsync(string key, CancellationToken cancellationToken);

    /// <summary>Sends a chunk of one part as a single PUT; returns the attempts that failed on the way.</summary>
    Task<int> PutAsync(string key, ReadyChunk chunk, Action<long> progress, CancellationToken cancellationToken);

    /// <summary>Starts the multipart upload of a chunk; returns its upload id.</summary>
    Task<string> StartAsync(string key, ReadyChunk chunk, CancellationToken cancellationToken);

    /// <summary>The parts S3 holds for the upload; null when S3 no longer knows it.</summary>
    Task<IReadOnlyList<StoredPart>?> PartsAsync(string key, string uploadId, CancellationToken cancellationToken);

    /// <summary>Sends part <paramref name="number"/> of the chunk with the checksums the spooler recorded for it;
    /// returns its ETag and the attempts that failed.</summary>
    Task<(string Etag, int Retries)> SendPartAsync(
        string key,
        string uploadId,
        ReadyChunk chunk,
        int number,
        Action<long> progress,
        CancellationToken cancellationToken
    );

    /// <summary>Completes the chunk's upload from its parts' ETags, in part order.</summary>
    Task CompleteAsync(
        string key,
        string uploadId,
        ChunkRecord record,
        IReadOnlyList<string> etags,
        CancellationToken cancellationToken
    );

    /// <summary>Aborts every multipart upload of the key: parts S3 bills and nothing will complete.</summary>
    Task AbortUploadsAsync(string key, CancellationToken cancellationToken);

    /// <summary>Deletes an object that must not stay (a chunk S3 stored wrong).</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken);
}
