using BtrfsToS3.Shared.Publishing;

namespace BtrfsToS3.Uploader.Publish;

/// <summary>
/// S3 retention: once a newer full is published and current, the generations beyond [retention] keep_generations are
/// deleted, oldest first, but none whose newest object is younger than min_age_days (Deep Archive's early-deletion
/// charge). The pointer is rewritten first, so readers never follow it to deleted objects; folders of generations
/// older than the oldest the pointer names (left by a run killed between the two steps) are deleted too.
/// </summary>
internal sealed class GenerationPruner(BackupRepository repository, RetentionOptions retention, TimeProvider time, ILogger logger)
{
    public async Task PruneAsync(string subvolume, bool dryRun, CancellationToken cancellationToken)
    {
        Pointer? pointer = await repository.ReadPointerAsync(subvolume, cancellationToken).ConfigureAwait(false);
        if (pointer is null)
        {
            return;
        }

        List<PointerGeneration> kept = [.. pointer.Generations];
        while (kept.Count > retention.KeepGenerations)
        {
            PointerGeneration oldest = kept[0];
            DateTimeOffset newest = DateTimeOffset.MinValue;
            foreach (string key in oldest.Manifests)
            {
                Manifest? manifest = await repository.ReadManifestAsync(key, cancellationToken).ConfigureAwait(false);
                newest = manifest is not null && manifest.PublishedAt > newest ? manifest.PublishedAt : newest;
            }

            DateTimeOffset deletableAt = newest.AddDays(retention.MinAgeDays);
            if (time.GetUtcNow() < deletableAt)
            {
                Log.GenerationHeldBack(logger, subvolume, oldest.Generation, deletableAt.ToString("yyyy-MM-dd"), retention.MinAgeDays);
                break;
            }

            kept.RemoveAt(0);
            if (dryRun)
            {
                (int count, long bytes) = await repository.DeleteGenerationAsync(subvolume, oldest.Generation, dryRun: true, cancellationToken).ConfigureAwait(false);
                Log.GenerationWouldBeDeleted(logger, subvolume, oldest.Generation, count, bytes);
                continue;
            }

            await repository.WritePointerAsync(pointer with { Generations = kept, UpdatedAt = time.GetUtcNow() }, cancellationToken).ConfigureAwait(false);
            CrashPoint.Reached("uploader-during-retention");
            (int deleted, long freed) = await repository.DeleteGenerationAsync(subvolume, oldest.Generation, dryRun: false, cancellationToken).ConfigureAwait(false);
            Log.GenerationDeleted(logger, subvolume, oldest.Generation, deleted, freed);
        }

        if (!dryRun)
        {
            await DeleteOrphansAsync(subvolume, kept[0].Generation, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Generation folders older than the oldest the pointer names: no reader can reach them.</summary>
    private async Task DeleteOrphansAsync(string subvolume, string oldestNamed, CancellationToken cancellationToken)
    {
        foreach (string generation in await repository.GenerationFoldersAsync(subvolume, cancellationToken).ConfigureAwait(false))
        {
            if (string.CompareOrdinal(generation, oldestNamed) < 0)
            {
                (int deleted, long freed) = await repository.DeleteGenerationAsync(subvolume, generation, dryRun: false, cancellationToken).ConfigureAwait(false);
                Log.GenerationDeleted(logger, subvolume, generation, deleted, freed);
            }
        }
    }
}
