using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Shared.State;

namespace BtrfsToS3.Uploader.Publish;

/// <summary>
/// Publishes a sealed stream whose every chunk is verified in S3, in the order docs/FORMAT.md requires: the manifest
/// (never overwritten), then the pointer (the commit), then the local state, then the spool directory goes.
/// Each step is safe to repeat, so a run killed between any two of them is completed by the next.
/// </summary>
internal sealed class Publisher(BackupRepository repository, string stateDir, TimeProvider time, ILogger logger)
{
    /// <summary>Publishes the stream if it is complete and returns its seal; null when chunks of it are still in the spool.</summary>
    public async Task<Seal?> TryPublishAsync(SpoolStream stream, CancellationToken cancellationToken)
    {
        Seal seal = stream.ReadSeal();
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

                throw new BackupFailure(FailureKind.BadData, $"stream {stream.Name}: {chunk.Name} is neither in the spool nor recorded as uploaded; the stream cannot be published");
            }

            if (uploaded.Identity != chunk.Identity)
            {
                throw new BackupFailure(FailureKind.BadData, $"stream {stream.Name}: {chunk.Name} was uploaded as {uploaded.Size} bytes sha256 {uploaded.Sha256}, but the seal says {chunk.Size} bytes sha256 {chunk.Sha256}");
            }

            chunks.Add(new ManifestChunk(chunk.Index, uploaded.Key, chunk.Size, chunk.Sha256, chunk.Etag, chunk.Crc32));
        }

        string manifestKey = repository.ManifestKey(seal);
        Pointer? pointer = await repository.ReadPointerAsync(seal.Subvolume, cancellationToken).ConfigureAwait(false);
        bool alreadyCommitted = pointer?.Generations.Any(g => g.Manifests.Contains(manifestKey)) == true;
        if (!alreadyCommitted)
        {
            string? parentManifest = await ParentManifestAsync(seal, pointer, cancellationToken).ConfigureAwait(false);
            Manifest manifest = Manifest.Of(seal, parentManifest, time.GetUtcNow(), repository.StorageClassData, chunks);
            if (!await repository.PutManifestAsync(manifest, cancellationToken).ConfigureAwait(false))
            {
                Log.ManifestAlreadyWritten(logger, manifestKey);
            }

            CrashPoint.Reached("uploader-after-manifest");
            await repository.WritePointerAsync(Extend(pointer, seal, manifestKey), cancellationToken).ConfigureAwait(false);
            CrashPoint.Reached("uploader-after-pointer");
        }

        StateFiles.WritePublished(stateDir, new PublishedSnapshot(
            FormatJson.Version, seal.Subvolume, seal.Snapshot, seal.Kind, seal.Generation, seal.ChainPosition, time.GetUtcNow(), manifestKey));
        CrashPoint.Reached("uploader-after-state");
        stream.Remove();
        Log.StreamPublished(logger, seal.Stream, seal.Kind.ToString().ToLowerInvariant(), seal.Generation, seal.ChainPosition, manifestKey);
        return seal;
    }

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
        string? last = generation?.Manifests.LastOrDefault();
        Manifest? parent = last is null ? null : await repository.ReadManifestAsync(last, cancellationToken).ConfigureAwait(false);
        if (parent is null || parent.Snapshot != seal.Parent || generation != pointer!.Generations[^1])
        {
            throw new BackupFailure(
                FailureKind.BadData,
                $"stream {seal.Stream}: incremental on {seal.Parent?.Name}, but the pointer's generation {seal.Generation} does not end with that snapshot's manifest; publishing it would leave a gap in the chain");
        }

        return last;
    }

    private Pointer Extend(Pointer? pointer, Seal seal, string manifestKey)
    {
        List<PointerGeneration> generations = [.. pointer?.Generations ?? []];
        if (seal.Kind == StreamKind.Full)
        {
            generations.Add(new PointerGeneration(seal.Generation, [manifestKey]));
        }
        else
        {
            PointerGeneration current = generations[^1];
            generations[^1] = current with { Manifests = [.. current.Manifests, manifestKey] };
        }

        return new Pointer(FormatJson.Version, seal.Subvolume, seal.Nested, seal.Generation, time.GetUtcNow(), generations);
    }
}
