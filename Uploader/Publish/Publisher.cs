using BtrfsToS3.Shared.Format;
using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Shared.State;

namespace BtrfsToS3.Uploader.Publish;

/// <summary>
/// Publishes a sealed stream whose every chunk is verified in S3, in the order docs/FORMAT.md requires: the manifest
/// (never overwritten), then the pointer (the commit, written only over the version read), then the local state, then
/// the spool directory goes. Each step is safe to repeat, so a run killed between any two of them is completed by the
/// next. A pointer another source owns is not published to (exit 78) unless <paramref name="takeOver"/> names the
/// subvolume.
/// </summary>
/// <param name="takeOver">Subvolumes whose pointer this host may take over (<c>run --take-over NAME</c>): a host
/// rebuilt from its backup.</param>
internal sealed class Publisher(
    BackupRepository repository,
    string stateDir,
    IReadOnlySet<string> takeOver,
    TimeProvider time,
    ILogger logger
)
{
    /// <summary>A pointer that changed under us this often in one publish means writers race; the next run tries
    /// again.</summary>
    private const int PointerAttempts = 5;

    /// <summary>
    /// Why the stream may not be published to the pointer: it belongs to another source (a second host on the prefix,
    /// or this host rebuilt on new filesystems) and the subvolume is not to be taken over. Null when it may.
    /// </summary>
    public BackupFailure? Refusal(Pointer? pointer, StreamFacts stream)
    {
        if (pointer is null || pointer.Owner.SameAs(stream.Source) || TakesOver(stream.Subvolume))
        {
            return null;
        }

        return new BackupFailure(
            FailureKind.Config,
            $"subvolume {stream.Subvolume}: pointer {repository.Address(repository.PointerKey(stream.Subvolume))} belongs to {pointer.Owner}, but this host's is {stream.Source}: another host writes to this prefix (give each its own [s3] prefix), or this host was rebuilt (then run btrfs-to-s3-uploader run --once --take-over {stream.Subvolume})"
        );
    }

    /// <summary>--take-over NAME covers the subvolume and those nested in it.</summary>
    private bool TakesOver(string subvolume) =>
        takeOver.Any(t => subvolume == t || subvolume.StartsWith(t + ".", StringComparison.Ordinal));

    /// <summary>Publishes the stream if it is complete and returns its seal; null when chunks of it are still in the
    /// spool.</summary>
    public async Task<Seal?> TryPublishAsync(SpoolStream stream, CancellationToken cancellationToken)
    {
        Seal seal = stream.ReadSeal();
        if (UploadedChunks(stream, seal) is not { } chunks)
        {
            return null;
        }

        string manifestKey = repository.ManifestKey(seal);
        ManifestCatalog? catalog = await UploadCatalogAsync(stream, seal, cancellationToken);
        Pointer committed = await CommitAsync(seal, chunks, catalog, manifestKey, cancellationToken);
        await ExtendLocksAsync(seal, committed, cancellationToken);
        RecordState(seal, manifestKey);
        stream.Remove();
        Log.StreamPublished(
            logger,
            seal.Stream,
            seal.Kind.ToString().ToLowerInvariant(),
            seal.Generation,
            seal.ChainPosition,
            manifestKey
        );
        return seal;
    }

    /// <summary>
    /// The manifest's chunks, each as its uploaded record proves it verified in S3 under the key the stream's names
    /// make; null while a chunk of the seal is still in the spool.
    /// </summary>
    private List<ManifestChunk>? UploadedChunks(SpoolStream stream, Seal seal)
    {
        var chunks = new List<ManifestChunk>(seal.Chunks.Count);
        foreach (ChunkRecord chunk in seal.Chunks)
        {
            UploadedRecord? uploaded = stream.ReadUploaded(chunk.Index);
            if (uploaded is null)
            {
                if (stream.HoldsChunk(chunk.Index))
                {
                    return null;
                }

                throw new BackupFailure(
                    FailureKind.BadData,
                    $"stream {stream.Name}: {chunk.Name} is neither in the spool nor recorded as uploaded; the stream cannot be published"
                );
            }

            if (uploaded.Identity != chunk.Identity)
            {
                throw new BackupFailure(
                    FailureKind.BadData,
                    $"stream {stream.Name}: {chunk.Name} was uploaded as {uploaded.Size} bytes sha256 {uploaded.Sha256}, but the seal says {chunk.Size} bytes sha256 {chunk.Sha256}"
                );
            }

            // The key is the one the stream's names make, never the record's own word for it.
            string key = repository.ChunkKey(seal, chunk.Name);
            if (uploaded.Key != key)
            {
                throw new BackupFailure(
                    FailureKind.BadData,
                    $"stream {stream.Name}: {chunk.Name}'s uploaded record names the key {FieldCheck.Show(uploaded.Key)}, not {key}; the stream cannot be published"
                );
            }

            chunks.Add(
                new ManifestChunk(
                    chunk.Index,
                    key,
                    chunk.Size,
                    chunk.StreamSize,
                    chunk.Sha256,
                    chunk.Etag,
                    chunk.Crc32,
                    uploaded.Version
                )
            );
        }

        return chunks;
    }

    /// <summary>
    /// Sends the catalog the seal names and verifies it in S3, before the manifest that will name it (docs/FORMAT.md,
    /// "Catalog"). A catalog file that is not what the seal says (damaged on the spool, or gone) is not sent: the stream
    /// is whole without it, so it is published without one, and the error says so.
    /// </summary>
    private async Task<ManifestCatalog?> UploadCatalogAsync(
        SpoolStream stream,
        Seal seal,
        CancellationToken cancellationToken
    )
    {
        if (seal.Catalog is not { } record)
        {
            return null;
        }

        if (!File.Exists(stream.CatalogPath))
        {
            Log.CatalogDamaged(logger, seal.Stream, stream.CatalogPath, "missing");
            return null;
        }

        CatalogFile file = CatalogFile.Read(stream.CatalogPath);
        if (file.Size != record.Size || file.Sha256 != record.Sha256)
        {
            Log.CatalogDamaged(
                logger,
                seal.Stream,
                stream.CatalogPath,
                $"{file.Size} bytes with SHA-256 {file.Sha256}, but the seal says {record.Size} bytes with SHA-256 {record.Sha256}"
            );
            return null;
        }

        ManifestCatalog catalog = await repository.PutCatalogAsync(seal, file, cancellationToken);
        Log.CatalogPublished(logger, seal.Stream, repository.Address(catalog.Key), catalog.Size);
        return catalog;
    }

    /// <summary>
    /// Writes the manifest once, then the pointer over the version read, reading it again when another writer changed
    /// it in between; returns the pointer that names the manifest.
    /// </summary>
    private async Task<Pointer> CommitAsync(
        Seal seal,
        IReadOnlyList<ManifestChunk> chunks,
        ManifestCatalog? catalog,
        string manifestKey,
        CancellationToken cancellationToken
    )
    {
        bool manifestWritten = false;
        string? manifestVersion = null;
        for (int attempt = 1; ; attempt++)
        {
            StoredPointer? stored = await repository.ReadPointerForUpdateAsync(seal.Subvolume, cancellationToken);
            if (stored?.Pointer is { } pointer && pointer.Generations.Any(g => g.Manifests.Contains(manifestKey)))
            {
                // Committed by an earlier run, or by this one's write whose answer was lost.
                return pointer;
            }

            CheckOwnerAndSignature(stored, seal);
            if (!manifestWritten)
            {
                manifestVersion = await WriteManifestAsync(
                    seal,
                    stored?.Pointer,
                    chunks,
                    catalog,
                    manifestKey,
                    cancellationToken
                );
                manifestWritten = true;
            }
            else
            {
                // The pointer moved on since the manifest named its parent: the chain must still end with that parent.
                await ParentManifestAsync(seal, stored?.Pointer, cancellationToken);
            }

            if (await WritePointerAsync(seal, stored, manifestKey, manifestVersion, cancellationToken) is { } written)
            {
                return written;
            }

            Log.PointerChanged(logger, seal.Stream, PointerAddress(seal), attempt);
            if (attempt == PointerAttempts)
            {
                throw new BackupFailure(
                    FailureKind.TryAgainLater,
                    $"stream {seal.Stream}: pointer {PointerAddress(seal)} changed under every one of {PointerAttempts} writes: other writers publish to it; the stream stays in the spool"
                );
            }
        }
    }

    /// <summary>
    /// The pointer read must be one this host may append to: its source's (or taken over), and signed where this host
    /// signed the one it published last.
    /// </summary>
    private void CheckOwnerAndSignature(StoredPointer? stored, Seal seal)
    {
        if (Refusal(stored?.Pointer, seal) is { } refusal)
        {
            throw refusal;
        }

        // The run signs whatever it appends to: a pointer signed by a key neither this host's nor trusted, or unsigned
        // where this host last published a signed one, was written by someone else and is not to be signed over,
        // unless a person said to take it over (a rebuilt host, whose new key goes on from its predecessor's).
        if (TakesOver(seal.Subvolume))
        {
            return;
        }

        if (stored?.SignedBy is { } signer && !repository.Trusts(signer))
        {
            throw new BackupFailure(
                FailureKind.BadData,
                $"subvolume {seal.Subvolume}: pointer {PointerAddress(seal)} is signed by {signer}, which is neither this host's key nor in [restore] trusted_keys: someone else wrote it, and nothing is published over it; after a rebuild, add the old host's key to trusted_keys or run --take-over {seal.Subvolume}; see docs/SECURITY.md"
            );
        }

        if (
            stored is { SignedBy: null }
            && StateFiles.ReadPublished(stateDir, seal.Subvolume)?.SigningKey is { } signedBefore
        )
        {
            throw new BackupFailure(
                FailureKind.BadData,
                $"subvolume {seal.Subvolume}: pointer {PointerAddress(seal)} is not signed, but this host signed the one it published last ({signedBefore}, {StateFiles.PublishedPath(stateDir, seal.Subvolume)}): someone else wrote it, and nothing is published over it; see docs/SECURITY.md"
            );
        }
    }

    /// <summary>Writes the stream's manifest (or finds it written by an earlier run); returns the version the pointer
    /// names.</summary>
    private async Task<string?> WriteManifestAsync(
        Seal seal,
        Pointer? pointer,
        IReadOnlyList<ManifestChunk> chunks,
        ManifestCatalog? catalog,
        string manifestKey,
        CancellationToken cancellationToken
    )
    {
        string? parentManifest = await ParentManifestAsync(seal, pointer, cancellationToken);
        Manifest manifest = Manifest.Of(
            seal,
            parentManifest,
            time.GetUtcNow(),
            repository.StorageClassData,
            chunks,
            catalog
        );
        (bool written, string? version) = await repository.PutManifestAsync(manifest, cancellationToken);
        if (!written)
        {
            Log.ManifestAlreadyWritten(logger, manifestKey);
        }

        CrashPoint.Reached("uploader-after-manifest");
        return version;
    }

    /// <summary>The commit: the pointer extended by the manifest, written only over the version read; null when another
    /// writer changed it.</summary>
    private async Task<Pointer?> WritePointerAsync(
        Seal seal,
        StoredPointer? stored,
        string manifestKey,
        string? manifestVersion,
        CancellationToken cancellationToken
    )
    {
        Pointer? pointer = stored?.Pointer;
        if (pointer is not null && !pointer.Owner.SameAs(seal.Source))
        {
            Log.PointerTakenOver(
                logger,
                seal.Stream,
                PointerAddress(seal),
                pointer.Owner.ToString(),
                seal.Source.ToString()
            );
        }

        Pointer extended = Extend(pointer, seal, manifestKey, manifestVersion);
        if (!await repository.WritePointerAsync(extended, stored?.Etag, cancellationToken))
        {
            return null;
        }

        CrashPoint.Reached("uploader-after-pointer");
        return extended;
    }

    /// <summary>
    /// After the commit, and again by any later publish if a run dies here: the generation's earlier objects are kept
    /// locked as long as the newest (docs/FORMAT.md, "Object Lock").
    /// </summary>
    private async Task ExtendLocksAsync(Seal seal, Pointer committed, CancellationToken cancellationToken)
    {
        if (
            repository.Locking
            && committed.Generations.FirstOrDefault(g => g.Generation == seal.Generation) is { } generation
        )
        {
            (int objects, DateTimeOffset until) = await repository.ExtendLocksAsync(generation, cancellationToken);
            if (objects > 0)
            {
                Log.LocksExtended(logger, seal.Subvolume, seal.Generation, objects, until.ToString("O"));
            }
        }
    }

    /// <summary>The local state names the stream published, before its spool directory goes.</summary>
    private void RecordState(Seal seal, string manifestKey)
    {
        StateFiles.WritePublished(
            stateDir,
            new PublishedSnapshot(
                FormatJson.Version,
                seal.Subvolume,
                seal.Snapshot,
                seal.Kind,
                seal.Generation,
                seal.ChainPosition,
                time.GetUtcNow(),
                manifestKey,
                seal.Compression,
                seal.Encryption,
                repository.SigningKeyText
            )
        );
        CrashPoint.Reached("uploader-after-state");
    }

    private string PointerAddress(Seal seal) => repository.Address(repository.PointerKey(seal.Subvolume));

    /// <summary>
    /// An incremental is published only right after its parent: the pointer's current generation must end with the
    /// manifest of the parent snapshot. Anything else would leave a gap in the chain.
    /// </summary>
    private async Task<string?> ParentManifestAsync(Seal seal, Pointer? pointer, CancellationToken cancellationToken)
    {
        if (seal.Kind == StreamKind.Full)
        {
            return null;
        }

        PointerGeneration? generation = pointer?.Generations.FirstOrDefault(g => g.Generation == seal.Generation);
        string? last = generation?.Manifests is [.., string final] ? final : null;
        Manifest? parent = last is null
            ? null
            : await repository.ReadNamedManifestAsync(
                last,
                generation!.VersionOf(generation.Manifests.Count - 1),
                cancellationToken
            );
        if (parent is null || parent.Snapshot != seal.Parent || generation != pointer!.Generations[^1])
        {
            throw new BackupFailure(
                FailureKind.BadData,
                $"stream {seal.Stream}: incremental on {seal.Parent?.Name}, but the pointer's generation {seal.Generation} does not end with that snapshot's manifest; publishing it would leave a gap in the chain"
            );
        }

        return last;
    }

    private Pointer Extend(Pointer? pointer, Seal seal, string manifestKey, string? manifestVersion)
    {
        List<PointerGeneration> generations = [.. pointer?.Generations ?? []];
        if (seal.Kind == StreamKind.Full)
        {
            generations.Add(new PointerGeneration(seal.Generation, [], null).Append(manifestKey, manifestVersion));
        }
        else
        {
            generations[^1] = generations[^1].Append(manifestKey, manifestVersion);
        }

        return new Pointer(
            FormatJson.Version,
            seal.Subvolume,
            seal.Nested,
            seal.Source,
            seal.Generation,
            time.GetUtcNow(),
            generations
        );
    }
}
