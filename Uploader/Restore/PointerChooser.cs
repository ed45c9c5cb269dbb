using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Uploader.S3;

namespace BtrfsToS3.Uploader.Restore;

/// <summary>
/// The pointer a restore starts from. By default the current one. Whoever holds the host's credentials can write a new
/// pointer version, but under Object Lock cannot remove the older ones nor the streams they name; so with
/// <c>--as-of TIME</c> the restore takes the newest version written at or before TIME whose chain to restore is whole
/// (every manifest and chunk of our layout, there as the manifests say) and, under [s3] object_lock, locked; with
/// <c>--pointer-version ID</c>, that version. Each version passed over is logged with why.
/// </summary>
internal sealed class PointerChooser(BackupRepository repository, TimeProvider time, ILogger logger)
{
    /// <summary>The pointer, and the time the version chosen was written (null for the current one).</summary>
    public async Task<(Pointer? Pointer, DateTimeOffset? WrittenAt)> ChooseAsync(string subvolume, string? generation, DateTimeOffset? asOf, string? versionId, CancellationToken cancellationToken)
    {
        if (versionId is not null)
        {
            ObjectVersion version = (await repository.PointerVersionsAsync(subvolume, cancellationToken).ConfigureAwait(false)).FirstOrDefault(v => v.VersionId == versionId)
                ?? throw new BackupFailure(FailureKind.Usage, $"usage: pointer {repository.Address(repository.PointerKey(subvolume))} has no version {versionId}");
            return (await repository.ReadPointerVersionAsync(subvolume, versionId, cancellationToken).ConfigureAwait(false), version.LastModified);
        }

        if (asOf is null)
        {
            return (await repository.ReadPointerAsync(subvolume, cancellationToken).ConfigureAwait(false), null);
        }

        foreach (ObjectVersion version in (await repository.PointerVersionsAsync(subvolume, cancellationToken).ConfigureAwait(false)).Where(v => v.LastModified <= asOf))
        {
            Pointer? pointer = await repository.ReadPointerVersionAsync(subvolume, version.VersionId, cancellationToken).ConfigureAwait(false);
            string? flaw = pointer is null ? "it cannot be read" : await FlawAsync(pointer, generation, cancellationToken).ConfigureAwait(false);
            if (flaw is null)
            {
                Log.PointerVersionChosen(logger, subvolume, version.VersionId, version.LastModified.ToString("O"));
                return (pointer, version.LastModified);
            }

            Log.PointerVersionPassedOver(logger, subvolume, version.VersionId, version.LastModified.ToString("O"), flaw);
        }

        throw new BackupFailure(
            FailureKind.BadData,
            $"subvolume {subvolume}: no version of pointer {repository.Address(repository.PointerKey(subvolume))} written at or before {asOf:O} names a whole{(repository.Locking ? ", locked" : string.Empty)} chain (each one passed over is logged above)");
    }

    /// <summary>Why the chain the pointer would restore cannot be trusted, or null when it can.</summary>
    private async Task<string?> FlawAsync(Pointer pointer, string? generation, CancellationToken cancellationToken)
    {
        PointerGeneration? chosen = generation is null ? pointer.Generations.LastOrDefault() : pointer.Generations.FirstOrDefault(g => g.Generation == generation);
        if (chosen is null)
        {
            return generation is null ? "it names no generation" : $"it has no generation {generation}";
        }

        DateTimeOffset now = time.GetUtcNow();
        foreach ((string key, string? version) in chosen.Named())
        {
            if (repository.GenerationOf(pointer.Subvolume, key) != chosen.Generation)
            {
                return $"it names {key}, which is not a manifest of generation {chosen.Generation}";
            }

            if (await repository.ReadNamedManifestAsync(key, version, cancellationToken).ConfigureAwait(false) is not { } manifest)
            {
                return $"its manifest {key} is missing";
            }

            foreach (ManifestChunk chunk in manifest.Chunks)
            {
                if (repository.GenerationOf(pointer.Subvolume, chunk.Key) != chosen.Generation)
                {
                    return $"manifest {key} names {chunk.Key}, which is not a chunk of its generation";
                }

                ObjectHead? head = await repository.HeadAsync(chunk.Key, chunk.Version, cancellationToken).ConfigureAwait(false);
                if (head is null || !chunk.Identity.IsStoredAs(head.Size, head.Etag, head.Crc32))
                {
                    return $"chunk {chunk.Key} is {(head is null ? "missing" : $"{head}, not {chunk.Identity}")}";
                }

                if (repository.Locking && (head.Lock is null || head.Lock.RetainUntil < now))
                {
                    return $"chunk {chunk.Key} is not locked ([s3] object_lock)";
                }
            }
        }

        return null;
    }
}
