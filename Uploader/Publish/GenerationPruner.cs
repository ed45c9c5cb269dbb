using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Uploader.S3;

namespace BtrfsToS3.Uploader.Publish;

/// <summary>
/// S3 retention: once a newer full is published and current, the generations beyond [retention] keep_generations are
/// deleted, oldest first, but none whose newest object is younger than min_age_days (Deep Archive's early-deletion
/// charge). The pointer is rewritten first (conditionally, over the version read), so readers never follow it to
/// deleted objects; generation folders no pointer names and older than the oldest it does (left by a run killed between
/// the two steps) go too, once min_age_days old. Only our manifests and chunks are ever deleted
/// (<see cref="ObjectKeys.GenerationOf"/>): anything else under the subvolume's folder is a stray, left alone and
/// reported once per run. A generation whose objects S3 still holds under Object Lock waits for its date (S3 would
/// refuse the delete); in a versioned bucket every version of its objects goes, since a delete without a version only
/// adds a marker and frees nothing.
/// </summary>
internal sealed class GenerationPruner(
    BackupRepository repository,
    RetentionOptions retention,
    TimeProvider time,
    ILogger logger
)
{
    private readonly HashSet<string> _reportedStrays = new(StringComparer.Ordinal);
    private readonly HashSet<(string Subvolume, string Generation)> _proven = [];
    private readonly ChainProof _proof = new(repository, time);
    private bool? _versioned;

    /// <param name="filesystemUuid">
    /// The filesystem this host backs the subvolume up from: a pointer another filesystem owns is not pruned (exit 78),
    /// since its generations are another host's.
    /// </param>
    public async Task PruneAsync(
        string subvolume,
        string filesystemUuid,
        bool dryRun,
        CancellationToken cancellationToken
    )
    {
        StoredPointer? stored = await repository.ReadPointerForUpdateAsync(subvolume, cancellationToken);
        if (stored is null)
        {
            return;
        }

        if (!string.Equals(stored.Pointer.Owner.FilesystemUuid, filesystemUuid, StringComparison.OrdinalIgnoreCase))
        {
            throw new BackupFailure(
                FailureKind.Config,
                $"retention: pointer {repository.Address(repository.PointerKey(subvolume))} belongs to {stored.Pointer.Owner}, not to this host's filesystem {filesystemUuid}; its generations are not pruned from here"
            );
        }

        IReadOnlyList<StoredObject> objects = await repository.ListSubvolumeAsync(subvolume, cancellationToken);
        ReportStrays(subvolume, objects);
        List<PointerGeneration> kept = [.. stored.Pointer.Generations];
        while (kept.Count > retention.KeepGenerations)
        {
            PointerGeneration oldest = kept[0];
            DateTimeOffset newest = DateTimeOffset.MinValue;
            foreach ((string key, string? version) in oldest.Named())
            {
                Manifest? manifest = await repository.ReadNamedManifestAsync(key, version, cancellationToken);
                newest = manifest is not null && manifest.PublishedAt > newest ? manifest.PublishedAt : newest;
            }

            DateTimeOffset deletableAt = newest.AddDays(retention.MinAgeDays);
            if (time.GetUtcNow() < deletableAt)
            {
                Log.GenerationHeldBack(
                    logger,
                    subvolume,
                    oldest.Generation,
                    deletableAt.ToString("yyyy-MM-dd"),
                    retention.MinAgeDays
                );
                break;
            }

            // Every object of a generation is locked to one date (docs/FORMAT.md, "Object Lock"), its manifests last.
            if (
                await repository.LockedUntilAsync(oldest.Named(), cancellationToken) is { } lockedUntil
                && time.GetUtcNow() < lockedUntil
            )
            {
                Log.GenerationLocked(
                    logger,
                    subvolume,
                    oldest.Generation,
                    lockedUntil.ToString("yyyy-MM-dd HH:mm:ss 'UTC'")
                );
                break;
            }

            kept.RemoveAt(0);
            await ProveKeptAsync(subvolume, kept, oldest.Generation, cancellationToken);
            List<StoredObject> generation = Ours(subvolume, objects, oldest.Generation);
            if (dryRun)
            {
                Log.GenerationWouldBeDeleted(
                    logger,
                    subvolume,
                    oldest.Generation,
                    generation.Count,
                    generation.Sum(o => o.Size)
                );
                continue;
            }

            Pointer pruned = stored.Pointer with { Generations = kept, UpdatedAt = time.GetUtcNow() };
            if (!await repository.WritePointerAsync(pruned, stored.Etag, cancellationToken))
            {
                // Another writer changed the pointer since it was read: nothing is deleted on a stale reading.
                Log.PointerChangedDuringRetention(
                    logger,
                    subvolume,
                    repository.Address(repository.PointerKey(subvolume))
                );
                return;
            }

            CrashPoint.Reached("uploader-during-retention");
            await DeleteAsync(subvolume, oldest.Generation, generation, cancellationToken);
            stored = await repository.ReadPointerForUpdateAsync(subvolume, cancellationToken)
                ?? throw new BackupFailure(
                    FailureKind.Unavailable,
                    $"retention: pointer {repository.Address(repository.PointerKey(subvolume))} vanished while it was pruned"
                );
        }

        if (!dryRun)
        {
            await DeleteUnnamedAsync(subvolume, objects, kept[0].Generation, cancellationToken);
        }
    }

    /// <summary>
    /// Before a generation goes, each one kept must be proven whole (<see cref="ChainProof"/>): a pointer that names
    /// generations which are not there (forged, or damaged) must never cost the real ones. One that is not is bad data,
    /// and nothing is deleted.
    /// </summary>
    private async Task ProveKeptAsync(
        string subvolume,
        IReadOnlyList<PointerGeneration> kept,
        string deleting,
        CancellationToken cancellationToken
    )
    {
        foreach (PointerGeneration generation in kept.Where(g => !_proven.Contains((subvolume, g.Generation))))
        {
            if (await _proof.FlawAsync(subvolume, generation, forRetention: true, cancellationToken) is { } flaw)
            {
                throw new BackupFailure(
                    FailureKind.BadData,
                    $"retention: generation {generation.Generation} of subvolume {subvolume}, which the pointer keeps, cannot be proven whole ({flaw}), so generation {deleting} is not deleted; verify shows what is wrong"
                );
            }

            _proven.Add((subvolume, generation.Generation));
        }
    }

    /// <summary>
    /// Generation folders of ours older than the oldest the pointer names: no reader can reach them. Each goes once its
    /// newest object is min_age_days old, as a named generation would, so an early-deletion charge is never paid.
    /// </summary>
    private async Task DeleteUnnamedAsync(
        string subvolume,
        IReadOnlyList<StoredObject> objects,
        string oldestNamed,
        CancellationToken cancellationToken
    )
    {
        foreach (
            IGrouping<string, StoredObject> folder in objects
                .Select(o => (Object: o, Generation: repository.GenerationOf(subvolume, o.Key)))
                .Where(o => o.Generation is not null && string.CompareOrdinal(o.Generation, oldestNamed) < 0)
                .GroupBy(o => o.Generation!, o => o.Object)
        )
        {
            DateTimeOffset deletableAt = folder.Max(o => o.LastModified).AddDays(retention.MinAgeDays);
            if (time.GetUtcNow() < deletableAt)
            {
                Log.GenerationHeldBack(
                    logger,
                    subvolume,
                    folder.Key,
                    deletableAt.ToString("yyyy-MM-dd"),
                    retention.MinAgeDays
                );
                continue;
            }

            // A killed run's unpublished objects were written locked like any of the generation's: they wait as long.
            if (
                await repository.LockedUntilAsync(folder.Select(o => (o.Key, (string?)null)), cancellationToken)
                    is { } lockedUntil
                && time.GetUtcNow() < lockedUntil
            )
            {
                Log.GenerationLocked(logger, subvolume, folder.Key, lockedUntil.ToString("yyyy-MM-dd HH:mm:ss 'UTC'"));
                continue;
            }

            await DeleteAsync(subvolume, folder.Key, [.. folder], cancellationToken);
        }
    }

    /// <summary>Deletes the generation's objects; in a versioned bucket every version of them, delete markers
    /// included.</summary>
    private async Task DeleteAsync(
        string subvolume,
        string generation,
        List<StoredObject> current,
        CancellationToken cancellationToken
    )
    {
        _versioned ??= await repository.VersionedAsync(cancellationToken);
        if (_versioned == true)
        {
            IReadOnlyList<StoredVersion> versions = await repository.GenerationVersionsAsync(
                subvolume,
                generation,
                cancellationToken
            );
            await repository.DeleteVersionsAsync(versions, cancellationToken);
            Log.GenerationDeleted(logger, subvolume, generation, versions.Count, versions.Sum(v => v.Size));
            return;
        }

        await repository.DeleteObjectsAsync(current, cancellationToken);
        Log.GenerationDeleted(logger, subvolume, generation, current.Count, current.Sum(o => o.Size));
    }

    private List<StoredObject> Ours(string subvolume, IReadOnlyList<StoredObject> objects, string generation) =>
        [.. objects.Where(o => repository.GenerationOf(subvolume, o.Key) == generation)];

    /// <summary>
    /// Objects under the subvolume's folder that are neither its pointer nor our manifests and chunks, by the folder
    /// right below the subvolume's (or the key itself): logged once per run, never deleted.
    /// </summary>
    private void ReportStrays(string subvolume, IReadOnlyList<StoredObject> objects)
    {
        string pointer = repository.PointerKey(subvolume);
        string folder = pointer[..^ObjectKeys.PointerName.Length];
        foreach (
            IGrouping<string, StoredObject> strays in objects
                .Where(o => o.Key != pointer && repository.GenerationOf(subvolume, o.Key) is null)
                .GroupBy(o => o.Key.IndexOf('/', folder.Length) is > 0 and int slash ? o.Key[..(slash + 1)] : o.Key)
        )
        {
            if (_reportedStrays.Add(strays.Key))
            {
                Log.StrayObjects(
                    logger,
                    subvolume,
                    repository.Address(strays.Key),
                    strays.Count(),
                    strays.Sum(o => o.Size)
                );
            }
        }
    }
}
