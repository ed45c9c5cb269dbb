using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using BtrfsToS3.Shared.Format;
using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Uploader.S3;

namespace BtrfsToS3.Uploader.Repository;

/// <summary>
/// The backup format on top of the object store (restic's repository over its backend): the key layout, the format
/// version check of every object read, manifests written once, the pointer read and written, chunks checked by HEAD
/// against their identity and read back, generation folders listed and deleted, and multipart uploads left behind
/// aborted. Commands speak to S3 only through this type, and chunks are sent through Upload's own narrow
/// <see cref="Upload.IChunkStore"/> (docs/FORMAT.md, "S3 layout").
/// </summary>
/// <param name="locks">The Object Lock every manifest and pointer is written with (and, through Upload's chunk store,
/// every chunk); null when [s3] object_lock is off.</param>
/// <param name="signatures"> Which signatures pointers and manifests read must carry, and the key those written are
/// signed with; null, for unit tests of what lies above, neither checks nor signs.
/// </param>
internal sealed class BackupRepository(
    IObjectStore store,
    S3Options options,
    LockPolicy? locks = null,
    SignaturePolicy? signatures = null
)
{
    private readonly ObjectWrite _metadata = new(options.StorageClassMetadata, "application/json", IfNoneMatch: false);

    /// <summary>Whether objects are written under Object Lock ([s3] object_lock).</summary>
    public bool Locking => locks is not null;

    /// <summary>
    /// Until when every object of the generation must stay locked, its newest written at <paramref name="newest"/>;
    /// null without Object Lock.
    /// </summary>
    public DateTimeOffset? LockNeeded(string generation, DateTimeOffset newest) => locks?.Needed(generation, newest);

    /// <summary>The public key of the key this repository signs with; null where it does not sign.</summary>
    public string? SigningKeyText => signatures?.Signer?.PublicKeyText;

    /// <summary>Whether the key is this host's or one it was told to trust (always, where nothing is
    /// checked).</summary>
    public bool Trusts(string publicKey) => signatures is null || signatures.Trusted.Contains(publicKey);

    /// <summary>The storage class chunks are written with.</summary>
    public string StorageClassData => options.StorageClassData;

    public string Address(string key) => store.Address(key);

    public string PointerKey(string subvolume) => ObjectKeys.Pointer(options.Prefix, subvolume);

    public string ManifestKey(StreamFacts stream) =>
        ObjectKeys.Manifest(options.Prefix, stream.Subvolume, stream.Generation, stream.Stream);

    public string ChunkKey(StreamFacts stream, string chunkName) =>
        ObjectKeys.Chunk(options.Prefix, stream.Subvolume, stream.Generation, stream.Stream, chunkName);

    /// <summary>The subvolume's pointer, or null when nothing of it was published.</summary>
    public async Task<Pointer?> ReadPointerAsync(string subvolume, CancellationToken cancellationToken) =>
        (await ReadPointerBodyAsync(subvolume, null, cancellationToken))?.Pointer;

    /// <summary>The versions of the subvolume's pointer, newest first (a versioned bucket keeps every one
    /// written).</summary>
    public Task<IReadOnlyList<ObjectVersion>> PointerVersionsAsync(
        string subvolume,
        CancellationToken cancellationToken
    ) => store.ListVersionsAsync(PointerKey(subvolume), cancellationToken);

    /// <summary>One version of the subvolume's pointer, or null when there is no such version.</summary>
    public async Task<Pointer?> ReadPointerVersionAsync(
        string subvolume,
        string versionId,
        CancellationToken cancellationToken
    ) => (await ReadPointerBodyAsync(subvolume, versionId, cancellationToken))?.Pointer;

    /// <summary>The subvolume's pointer with the ETag a rewrite of it names, or null when nothing of it was
    /// published.</summary>
    public Task<StoredPointer?> ReadPointerForUpdateAsync(string subvolume, CancellationToken cancellationToken) =>
        ReadPointerBodyAsync(subvolume, null, cancellationToken);

    /// <summary>
    /// Writes the subvolume's pointer, the commit, only over the version it was read as (If-Match on
    /// <paramref name="readAs"/>), or, when <paramref name="readAs"/> is null, only where there is none yet
    /// (If-None-Match: *). False when another writer changed it in between: the caller reads it again.
    /// </summary>
    public async Task<bool> WritePointerAsync(Pointer pointer, string? readAs, CancellationToken cancellationToken)
    {
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(pointer, FormatJson.Default.Pointer);
        return await store.PutAsync(
            PointerKey(pointer.Subvolume),
            body,
            (readAs is null ? _metadata with { IfNoneMatch = true } : _metadata with { IfMatch = readAs }) with
            {
                Lock = locks?.For(pointer.CurrentGeneration),
                Signature = signatures?.Signer?.Sign(body),
            },
            cancellationToken
        )
            is not null;
    }

    /// <summary>The pointers of the subvolumes found nested in a configured one, whether or not they are still on the
    /// host, by path.</summary>
    public async Task<IReadOnlyList<Pointer>> NestedPointersAsync(
        string configured,
        CancellationToken cancellationToken
    )
    {
        var pointers = new List<Pointer>();
        foreach (string folder in await store.ListFoldersAsync(options.Prefix, cancellationToken))
        {
            string name = folder[options.Prefix.Length..].TrimEnd('/');
            if (
                name.StartsWith(configured + ".", StringComparison.Ordinal)
                && await ReadPointerAsync(name, cancellationToken) is { Nested: { } place } pointer
                && place.In == configured
            )
            {
                pointers.Add(pointer);
            }
        }

        return [.. pointers.OrderBy(p => p.Nested!.Path, StringComparer.Ordinal)];
    }

    /// <summary>The manifest's current version; null when there is none. A pointer's manifests are read by
    /// <see cref="ReadNamedManifestAsync"/>.</summary>
    public Task<Manifest?> ReadManifestAsync(string key, CancellationToken cancellationToken) =>
        ReadNamedManifestAsync(key, null, cancellationToken);

    /// <summary>
    /// The manifest as a pointer names it: the version named (a versioned bucket), else the current one; null when
    /// there is no such manifest or version. What was written over the key since does not matter to a reader.
    /// </summary>
    public async Task<Manifest?> ReadNamedManifestAsync(
        string key,
        string? version,
        CancellationToken cancellationToken
    )
    {
        ObjectBody? body = await GetFormatObjectAsync(key, version, FormatJson.MaxManifestBytes, cancellationToken);
        return body is null ? null : ParseAt(body, key, version, FormatJson.Default.Manifest, ManifestKey).Value;
    }

    /// <summary>
    /// The manifests named, in their order (null where there is none), read eight at a time: each is a round trip, and
    /// a chain of a year holds over fifty.
    /// </summary>
    public async Task<Manifest?[]> ReadNamedManifestsAsync(
        IReadOnlyList<(string Key, string? Version)> named,
        CancellationToken cancellationToken
    )
    {
        var read = new Manifest?[named.Count];
        await Parallel.ForAsync(
            0,
            named.Count,
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (i, ct) => read[i] = await ReadNamedManifestAsync(named[i].Key, named[i].Version, ct)
        );
        return read;
    }

    /// <summary>
    /// Writes the manifest once (If-None-Match: *). Written is true when this call wrote it, false when an earlier run
    /// did and it describes the same stream; Version is the version the pointer is to name (null where the bucket keeps
    /// none). One that describes another stream is never overwritten: that is bad data.
    /// </summary>
    public async Task<(bool Written, string? Version)> PutManifestAsync(
        Manifest manifest,
        CancellationToken cancellationToken
    )
    {
        string key = ManifestKey(manifest);
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(manifest, FormatJson.Default.Manifest);
        if (
            await store.PutAsync(
                key,
                body,
                _metadata with
                {
                    IfNoneMatch = true,
                    Lock = locks?.For(manifest.Generation),
                    Signature = signatures?.Signer?.Sign(body),
                },
                cancellationToken
            ) is
            { } written
        )
        {
            return (true, written.VersionId);
        }

        ObjectBody? existing = await GetFormatObjectAsync(key, null, FormatJson.MaxManifestBytes, cancellationToken);
        return
            existing is not null
            && ParseAt(existing, key, null, FormatJson.Default.Manifest, ManifestKey).Value.SameStreamAs(manifest)
            ? (false, existing.VersionId)
            : throw new BackupFailure(
                FailureKind.BadData,
                $"manifest {key} already exists and describes another stream; it is never overwritten"
            );
    }

    /// <summary>
    /// Puts the stream's catalog (docs/FORMAT.md, "Catalog") at its key, in the metadata storage class so that it is
    /// read without a thaw, unless a HEAD shows the key holds exactly those bytes already (an earlier run that died
    /// before its manifest); then verifies it by a HEAD. Returns what the manifest is to name.
    /// </summary>
    public async Task<ManifestCatalog> PutCatalogAsync(
        StreamFacts stream,
        CatalogFile catalog,
        CancellationToken cancellationToken
    )
    {
        string key = ObjectKeys.Catalog(options.Prefix, stream.Subvolume, stream.Generation, stream.Stream);
        ObjectHead? head = await store.HeadAsync(key, null, cancellationToken);
        if (!catalog.IsHeldBy(head))
        {
            await store.PutFileAsync(
                key,
                new PartWrite(1, catalog.Path, 0, catalog.Size, catalog.Md5, null),
                new ChunkWrite(options.StorageClassMetadata, catalog.Sha256, null, locks?.For(stream.Generation)),
                _ => { },
                cancellationToken
            );
            head = await store.HeadAsync(key, null, cancellationToken);
            if (!catalog.IsHeldBy(head))
            {
                throw new BackupFailure(
                    FailureKind.BadData,
                    $"stream {stream.Stream}: catalog {Address(key)} holds {head?.ToString() ?? "nothing"} after it was sent {catalog.Size} bytes with MD5 {catalog.Md5}; the stream is not published"
                );
            }
        }

        return new ManifestCatalog(key, catalog.Size, catalog.Sha256, head!.VersionId);
    }

    /// <summary>Whether the bucket was made with Object Lock: only then does S3 take the retention [s3] object_lock
    /// asks for.</summary>
    public async Task<bool> BucketHasObjectLockAsync(CancellationToken cancellationToken) =>
        (await store.ObjectLockAsync(cancellationToken)).Enabled;

    /// <summary>
    /// Under Object Lock, brings every object of the generation (its manifests, their chunks and catalogs) up to the
    /// date an object of it written now gets: a chain that outlives its schedule (a late full), or a configuration that
    /// asks for longer, keeps its full locked as long as its newest incremental. A date is never shortened, and an
    /// object keeps its mode. Returns the objects extended and the date; none without Object Lock.
    /// </summary>
    public async Task<(int Objects, DateTimeOffset Until)> ExtendLocksAsync(
        PointerGeneration generation,
        CancellationToken cancellationToken
    )
    {
        if (locks is null)
        {
            return (0, default);
        }

        ObjectLock wanted = locks.For(generation.Generation);
        int extended = 0;
        foreach ((string manifestKey, string? manifestVersion) in generation.Named())
        {
            Manifest manifest = await ReadNamedManifestAsync(manifestKey, manifestVersion, cancellationToken)
                ?? throw new BackupFailure(
                    FailureKind.BadData,
                    $"the pointer names {store.Address(manifestKey)}, but there is no such manifest"
                );
            // The versions the commit names: a version written over one of them later is not the backup's.
            foreach (
                (string key, string? version) in manifest
                    .Chunks.Select(c => (c.Key, c.Version))
                    .Concat(manifest.Catalog is { } catalog ? [(catalog.Key, catalog.Version)] : [])
                    .Append((manifestKey, manifestVersion))
            )
            {
                if (
                    await store.HeadAsync(key, version, cancellationToken) is { } head
                    && (head.Lock is null || head.Lock.RetainUntil < wanted.RetainUntil)
                )
                {
                    await store.ExtendLockAsync(
                        key,
                        version,
                        head.Lock is null ? wanted : wanted with { Mode = head.Lock.Mode },
                        cancellationToken
                    );
                    extended++;
                }
            }
        }

        return (extended, wanted.RetainUntil);
    }

    /// <summary>The HEAD of the version named (the current one when null), or null when S3 has no such object or
    /// version.</summary>
    public Task<ObjectHead?> HeadAsync(string key, string? version, CancellationToken cancellationToken) =>
        store.HeadAsync(key, version, cancellationToken);

    /// <summary>Hands the chunk's bytes (or a range of them) to <paramref name="consume"/>, again from the start after
    /// a failure.</summary>
    public Task ReadChunkAsync(
        ManifestChunk chunk,
        (long First, long Last)? range,
        Func<Stream, CancellationToken, Task> consume,
        CancellationToken cancellationToken
    ) => store.ReadAsync(chunk.Key, chunk.Version, range, consume, cancellationToken);

    /// <summary>Hands the catalog object's bytes, the version the manifest names, to <paramref name="consume"/>, again
    /// from the start after a failure.</summary>
    public Task ReadCatalogAsync(
        ManifestCatalog catalog,
        Func<Stream, CancellationToken, Task> consume,
        CancellationToken cancellationToken
    ) => store.ReadAsync(catalog.Key, catalog.Version, null, consume, cancellationToken);

    public Task<ThawAnswer> RequestThawAsync(
        string key,
        string? version,
        int days,
        string tier,
        CancellationToken cancellationToken
    ) => store.RequestThawAsync(key, version, days, tier, cancellationToken);

    /// <summary>Every object under the subvolume's folder: its pointer, its generations, and whatever else is
    /// there.</summary>
    public Task<IReadOnlyList<StoredObject>> ListSubvolumeAsync(
        string subvolume,
        CancellationToken cancellationToken
    ) => store.ListAsync(ObjectKeys.Subvolume(options.Prefix, subvolume), cancellationToken);

    /// <summary>The generation a key of the subvolume's folder belongs to when it is one of our manifests or chunks,
    /// else null.</summary>
    public string? GenerationOf(string subvolume, string key) =>
        ObjectKeys.GenerationOf(options.Prefix, subvolume, key);

    /// <summary>Deletes the objects, 1,000 keys a request (S3's limit for DeleteObjects).</summary>
    public async Task DeleteObjectsAsync(IReadOnlyList<StoredObject> objects, CancellationToken cancellationToken)
    {
        foreach (StoredObject[] batch in objects.Chunk(1000))
        {
            await store.DeleteAsync([.. batch.Select(o => o.Key)], cancellationToken);
        }
    }

    /// <summary>Whether the bucket keeps versions (Enabled, or Suspended after being enabled): a delete there only adds
    /// a marker.</summary>
    public async Task<bool> VersionedAsync(CancellationToken cancellationToken) =>
        await store.VersioningAsync(cancellationToken) != "Off";

    /// <summary>Every version of our manifests and chunks of the generation, delete markers included (a versioned
    /// bucket).</summary>
    public async Task<IReadOnlyList<StoredVersion>> GenerationVersionsAsync(
        string subvolume,
        string generation,
        CancellationToken cancellationToken
    ) =>
        [
            .. (
                await store.ListVersionsUnderAsync(
                    ObjectKeys.Generation(options.Prefix, subvolume, generation),
                    cancellationToken
                )
            ).Where(v => GenerationOf(subvolume, v.Key) == generation),
        ];

    /// <summary>Deletes the versions for good, 1,000 a request.</summary>
    public async Task DeleteVersionsAsync(IReadOnlyList<StoredVersion> versions, CancellationToken cancellationToken)
    {
        foreach (StoredVersion[] batch in versions.Chunk(1000))
        {
            await store.DeleteVersionsAsync(batch, cancellationToken);
        }
    }

    /// <summary>The latest Object Lock date of the objects' versions named (current where null); null when none is
    /// locked.</summary>
    public async Task<DateTimeOffset?> LockedUntilAsync(
        IEnumerable<(string Key, string? Version)> objects,
        CancellationToken cancellationToken
    )
    {
        DateTimeOffset? until = null;
        foreach ((string key, string? version) in objects)
        {
            if (
                (await store.HeadAsync(key, version, cancellationToken))?.Lock is { } held
                && (until is null || held.RetainUntil > until)
            )
            {
                until = held.RetainUntil;
            }
        }

        return until;
    }

    /// <summary>
    /// Aborts the multipart uploads under the prefix that were started before the cutoff and that no upload record in
    /// the spool names (<paramref name="resumable"/>): a killed uploader can leave such orphans, and S3 bills their
    /// parts until they are aborted. Only uploads of our chunk keys: another tool's upload under the prefix is not ours
    /// to end. Returns those aborted.
    /// </summary>
    public async Task<IReadOnlyList<PendingUpload>> AbortUploadsStartedBeforeAsync(
        DateTimeOffset cutoff,
        IReadOnlySet<string> resumable,
        CancellationToken cancellationToken
    )
    {
        IReadOnlyList<PendingUpload> uploads = await store.ListUploadsAsync(options.Prefix, cancellationToken);
        List<PendingUpload> stale =
        [
            .. uploads.Where(u =>
                u.Initiated is { } at
                && at <= cutoff
                && !resumable.Contains(u.UploadId)
                && ObjectKeys.IsOurs(options.Prefix, u.Key)
            ),
        ];
        foreach (PendingUpload upload in stale)
        {
            await store.AbortUploadAsync(upload, cancellationToken);
        }

        return stale;
    }

    /// <summary>The pointer (the version named, or the current one) with the ETag and version it was read as; null when
    /// there is none.</summary>
    private async Task<StoredPointer?> ReadPointerBodyAsync(
        string subvolume,
        string? version,
        CancellationToken cancellationToken
    )
    {
        string key = PointerKey(subvolume);
        ObjectBody? body = await GetFormatObjectAsync(key, version, FormatJson.MaxPointerBytes, cancellationToken);
        if (body is null)
        {
            return null;
        }

        (Pointer pointer, string? signedBy) = ParseAt(body, key, version, FormatJson.Default.Pointer, p =>
            PointerKey(p.Subvolume)
        );
        return new StoredPointer(pointer, body.Etag, signedBy);
    }

    /// <summary>
    /// A format object read from <paramref name="key"/>: whole, of this format version, every field of its grammar
    /// (<see cref="FormatJson.Parse"/>), at the very key its own fields name, so that an object copied to another key
    /// (a manifest of one stream under another's name, a pointer of another subvolume) is refused, and signed as the
    /// <see cref="SignaturePolicy"/> requires.
    /// </summary>
    private (T Value, string? SignedBy) ParseAt<T>(
        ObjectBody body,
        string key,
        string? version,
        JsonTypeInfo<T> type,
        Func<T, string> keyOf
    )
        where T : class, IFormatVersioned
    {
        string where = Where(key, version);
        T value = FormatJson.Parse(body.Bytes, type, where, options.Prefix);
        string named = keyOf(value);
        if (named != key)
        {
            throw new BackupFailure(
                FailureKind.BadData,
                $"{where}: its fields name the key {FieldCheck.Show(named)}, not the one it was read from; it is not trusted"
            );
        }

        return (value, signatures?.Check(body, where));
    }

    private string Where(string key, string? version) =>
        version is null ? store.Address(key) : $"{store.Address(key)} version {version}";

    /// <summary>
    /// A manifest or pointer must be readable at once. One in an archive class got there by a bucket lifecycle rule
    /// (the configuration refuses an archive class for them): one line says what to change, and how to read it now.
    /// </summary>
    private async Task<ObjectBody?> GetFormatObjectAsync(
        string key,
        string? version,
        long maxBytes,
        CancellationToken cancellationToken
    )
    {
        try
        {
            return await store.GetAsync(key, version, maxBytes, cancellationToken);
        }
        catch (ObjectNotThawedException e)
        {
            throw new BackupFailure(
                FailureKind.Config,
                $"{e.Address} is in an archive storage class and cannot be read at once: a bucket lifecycle rule moved it there; limit the rule's transitions to chunks (objects of 128 KiB and more, S3's default, or keys with /chunk-), and thaw it to read it now (aws s3api restore-object)"
            );
        }
    }
}
