using System.Security.Cryptography;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.Hashing;
using BtrfsToS3.Uploader.S3;

namespace BtrfsToS3.Tests.Infrastructure;

/// <summary>
/// An object store in a dictionary, for unit tests of the logic above <see cref="IObjectStore"/> (the repository's
/// keys, formats and decisions). <see cref="MemoryObjectStoreContractTests"/> holds it to what the real server does in
/// <see cref="Uploader.S3.ObjectStoreContract"/>: ETags (a multipart object's too), conditional writes, signatures,
/// listings, multipart uploads. What it does not do: versions (one per key, "null"), storage classes and thaws (every
/// object is STANDARD and readable), Object Lock, checksums and the bucket's settings; those are tested against the
/// real server only. It counts the delete requests, so that batching can be seen, and the GETs; it can stand for an S3
/// that cannot be reached.
/// </summary>
internal sealed class MemoryObjectStore : IObjectStore
{
    private readonly SortedDictionary<string, byte[]> _objects = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _written = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _signatures = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _etags = new(StringComparer.Ordinal);

    /// <summary>x-amz-meta-sha256 of the objects written from a file (chunks, catalogs), by key.</summary>
    private readonly Dictionary<string, string> _sha256 = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedDictionary<int, byte[]>> _parts = new(StringComparer.Ordinal);

    public List<PendingUpload> Uploads { get; } = [];

    public List<int> DeleteRequests { get; } = [];

    public IReadOnlyCollection<string> Keys => _objects.Keys;

    public string Address(string key) => $"mem://{key}";

    /// <summary>
    /// Called before each PUT of a small object, for races: it may change the store first, and answer the PUT itself
    /// by returning a result (the write then is not made), or return null to let it go on.
    /// </summary>
    public Func<string, byte[], ObjectWrite, bool?>? BeforePut { get; set; }

    /// <summary>The time objects written from now on are dated (their LastModified in a listing).</summary>
    public DateTimeOffset Now { get; set; } = DateTimeOffset.UtcNow;

    /// <summary>Writes the object as a single PUT does: a new object, without a signature.</summary>
    public void Put(string key, byte[] body) => Store(key, body, Etag(body));

    /// <summary>When set, every GET fails with it, as the outage guard ends a call S3 never answered.</summary>
    public BackupFailure? Unreachable { get; set; }

    /// <summary>The PUTs asked for (small objects and files), written or not.</summary>
    public int PutRequests { get; private set; }

    /// <summary>The bytes of the object at the key.</summary>
    public byte[] Get(string key) => _objects[key];

    /// <summary>The GETs asked for, answered or not.</summary>
    public int GetRequests { get; private set; }

    public Task<ObjectBody?> GetAsync(string key, string? versionId, long maxBytes, CancellationToken cancellationToken)
    {
        GetRequests++;
        if (Unreachable is { } outage)
        {
            return Task.FromException<ObjectBody?>(outage);
        }

        if (!_objects.TryGetValue(key, out byte[]? body) || (versionId is not null && versionId != "null"))
        {
            return Task.FromResult<ObjectBody?>(null);
        }

        return body.Length > maxBytes
            ? Task.FromException<ObjectBody?>(
                new BackupFailure(FailureKind.BadData, $"{Address(key)}: {body.Length} bytes, more than {maxBytes}")
            )
            : Task.FromResult<ObjectBody?>(new ObjectBody(body, _etags[key], null, _signatures.GetValueOrDefault(key)));
    }

    public Task<IReadOnlyList<ObjectVersion>> ListVersionsAsync(string key, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ObjectVersion>>(
            _objects.ContainsKey(key) ? [new ObjectVersion("null", _written.GetValueOrDefault(key, Now))] : []
        );

    public Task<IReadOnlyList<StoredVersion>> ListVersionsUnderAsync(
        string prefix,
        CancellationToken cancellationToken
    ) =>
        Task.FromResult<IReadOnlyList<StoredVersion>>([
            .. _objects
                .Where(o => o.Key.StartsWith(prefix, StringComparison.Ordinal))
                .Select(o => new StoredVersion(
                    o.Key,
                    "null",
                    o.Value.Length,
                    _written.GetValueOrDefault(o.Key, Now),
                    IsDeleteMarker: false
                )),
        ]);

    public Task DeleteVersionsAsync(IReadOnlyList<StoredVersion> versions, CancellationToken cancellationToken) =>
        DeleteAsync([.. versions.Select(v => v.Key)], cancellationToken);

    public Task<ObjectWritten?> PutAsync(
        string key,
        byte[] body,
        ObjectWrite write,
        CancellationToken cancellationToken
    )
    {
        PutRequests++;
        if (BeforePut?.Invoke(key, body, write) is { } answer)
        {
            return Task.FromResult(answer ? new ObjectWritten(null) : null);
        }

        bool exists = _etags.TryGetValue(key, out string? there);
        if (
            (write.IfNoneMatch && exists)
            || (write.IfMatch is { } etag && (!exists || S3Etag.Normalize(there!) != S3Etag.Normalize(etag)))
        )
        {
            return Task.FromResult<ObjectWritten?>(null);
        }

        Put(key, body);
        if (write.Signature is { } signature)
        {
            _signatures[key] = signature;
        }

        return Task.FromResult<ObjectWritten?>(new ObjectWritten(null));
    }

    public Task<ObjectHead?> HeadAsync(string key, string? versionId, CancellationToken cancellationToken) =>
        Task.FromResult(
            _objects.TryGetValue(key, out byte[]? body)
                ? new ObjectHead(
                    body.Length,
                    _etags[key],
                    null,
                    _sha256.GetValueOrDefault(key),
                    "STANDARD",
                    false,
                    null
                )
                : null
        );

    public Task<IReadOnlyList<StoredObject>> ListAsync(string prefix, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<StoredObject>>([
            .. _objects
                .Where(o => o.Key.StartsWith(prefix, StringComparison.Ordinal))
                .Select(o => new StoredObject(o.Key, o.Value.Length, _written.GetValueOrDefault(o.Key, Now))),
        ]);

    public Task<IReadOnlyList<string>> ListFoldersAsync(string prefix, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([
            .. _objects
                .Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal) && k.IndexOf('/', prefix.Length) > 0)
                .Select(k => k[..(k.IndexOf('/', prefix.Length) + 1)])
                .Distinct(),
        ]);

    public Task DeleteAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        DeleteRequests.Add(keys.Count);
        foreach (string key in keys)
        {
            _objects.Remove(key);
            _written.Remove(key);
            _etags.Remove(key);
            _signatures.Remove(key);
            _sha256.Remove(key);
        }

        return Task.CompletedTask;
    }

    public Task<int> PutFileAsync(
        string key,
        PartWrite part,
        ChunkWrite write,
        Action<long> progress,
        CancellationToken cancellationToken
    )
    {
        PutRequests++;
        Put(key, ReadPart(part));
        _sha256[key] = write.Sha256;
        progress(part.Length);
        return Task.FromResult(0);
    }

    public Task<string> StartUploadAsync(string key, ChunkWrite write, CancellationToken cancellationToken)
    {
        var upload = new PendingUpload(key, Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow);
        Uploads.Add(upload);
        _parts[upload.UploadId] = [];
        return Task.FromResult(upload.UploadId);
    }

    public Task<IReadOnlyList<StoredPart>?> ListPartsAsync(
        string key,
        string uploadId,
        CancellationToken cancellationToken
    ) =>
        Task.FromResult<IReadOnlyList<StoredPart>?>(
            _parts.TryGetValue(uploadId, out SortedDictionary<int, byte[]>? parts)
                ? [.. parts.Select(p => new StoredPart(p.Key, Etag(p.Value), p.Value.Length))]
                : null
        );

    public Task<(string Etag, int Retries)> UploadPartAsync(
        string key,
        string uploadId,
        PartWrite part,
        Action<long> progress,
        CancellationToken cancellationToken
    )
    {
        if (!_parts.TryGetValue(uploadId, out SortedDictionary<int, byte[]>? parts))
        {
            return Task.FromException<(string, int)>(new UploadGoneException(key, uploadId));
        }

        byte[] bytes = ReadPart(part);
        parts[part.Number] = bytes;
        progress(part.Length);
        return Task.FromResult((Etag(bytes), 0));
    }

    public Task CompleteUploadAsync(
        string key,
        string uploadId,
        IReadOnlyList<CompletedPart> parts,
        string? crc32,
        CancellationToken cancellationToken
    )
    {
        if (!_parts.Remove(uploadId, out SortedDictionary<int, byte[]>? held))
        {
            return Task.FromException(new UploadGoneException(key, uploadId));
        }

        // S3's ETag of a multipart object: the MD5 of the parts' binary MD5s, then "-" and the number of parts.
        byte[][] bodies = [.. parts.Select(p => held[p.Number])];
        string etag =
            $"\"{Convert.ToHexStringLower(MD5.HashData([.. bodies.SelectMany(b => MD5.HashData(b))]))}-{bodies.Length}\"";
        Store(key, [.. bodies.SelectMany(b => b)], etag);
        Uploads.RemoveAll(u => u.UploadId == uploadId);
        return Task.CompletedTask;
    }

    public async Task ReadAsync(
        string key,
        string? versionId,
        (long First, long Last)? range,
        Func<Stream, CancellationToken, Task> consume,
        CancellationToken cancellationToken
    )
    {
        byte[] body = _objects[key];
        (long first, long last) = range ?? (0, body.Length - 1);
        await consume(new MemoryStream(body, (int)first, (int)(last - first + 1), writable: false), cancellationToken);
    }

    public Task<IReadOnlyList<PendingUpload>> ListUploadsAsync(string prefix, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<PendingUpload>>([
            .. Uploads.Where(u => u.Key.StartsWith(prefix, StringComparison.Ordinal)),
        ]);

    public Task AbortUploadAsync(PendingUpload upload, CancellationToken cancellationToken)
    {
        Uploads.Remove(upload);
        _parts.Remove(upload.UploadId);
        return Task.CompletedTask;
    }

    public Task ExtendLockAsync(
        string key,
        string? versionId,
        ObjectLock objectLock,
        CancellationToken cancellationToken
    ) => Task.CompletedTask;

    public Task<ThawAnswer> RequestThawAsync(
        string key,
        string? versionId,
        int days,
        string tier,
        CancellationToken cancellationToken
    ) => Task.FromResult(ThawAnswer.NotArchived);

    private static string Etag(byte[] body) => $"\"{Convert.ToHexStringLower(MD5.HashData(body))}\"";

    private void Store(string key, byte[] body, string etag)
    {
        _objects[key] = body;
        _written[key] = Now;
        _etags[key] = etag;
        _signatures.Remove(key);
        _sha256.Remove(key);
    }

    private static byte[] ReadPart(PartWrite part)
    {
        using var file = File.OpenRead(part.Path);
        byte[] bytes = new byte[part.Length];
        file.Position = part.Offset;
        file.ReadExactly(bytes);
        return bytes;
    }

    public Task<BucketLifecycle> LifecycleAsync(CancellationToken cancellationToken) =>
        Task.FromResult(BucketLifecycle.None);

    public Task<string> VersioningAsync(CancellationToken cancellationToken) => Task.FromResult("Off");

    public Task<ObjectLockState> ObjectLockAsync(CancellationToken cancellationToken) =>
        Task.FromResult(ObjectLockState.Off);
}
