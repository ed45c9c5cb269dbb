using Amazon.S3;
using Amazon.S3.Model;
using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Uploader.S3;
using Microsoft.Extensions.Logging;

namespace BtrfsToS3.Uploader.Publish;

/// <summary>
/// S3 retention: once a newer full is published and current, the generations beyond [retention] keep_generations are
/// deleted, oldest first, but none whose newest object is younger than min_age_days (Deep Archive's early-deletion
/// charge). The pointer is rewritten first, so readers never follow it to deleted objects; folders of generations
/// older than the oldest the pointer names (left by a run killed between the two steps) are deleted too.
/// </summary>
internal sealed class GenerationPruner(IAmazonS3 s3, BackupOptions options, S3Objects objects, TimeProvider time, ILogger logger)
{
    public async Task PruneAsync(string subvolume, bool dryRun, CancellationToken cancellationToken)
    {
        string prefix = options.S3.Prefix;
        string pointerKey = ObjectKeys.Pointer(prefix, subvolume);
        Pointer? pointer = await objects.GetAsync(pointerKey, Shared.Spool.FormatJson.Default.Pointer, p => p.FormatVersion, cancellationToken).ConfigureAwait(false);
        if (pointer is null)
        {
            return;
        }

        List<PointerGeneration> kept = [.. pointer.Generations];
        while (kept.Count > options.Retention.KeepGenerations)
        {
            PointerGeneration oldest = kept[0];
            DateTimeOffset newest = DateTimeOffset.MinValue;
            foreach (string key in oldest.Manifests)
            {
                Manifest? manifest = await objects.GetAsync(key, Shared.Spool.FormatJson.Default.Manifest, m => m.FormatVersion, cancellationToken).ConfigureAwait(false);
                newest = manifest is not null && manifest.PublishedAt > newest ? manifest.PublishedAt : newest;
            }

            DateTimeOffset deletableAt = newest.AddDays(options.Retention.MinAgeDays);
            if (time.GetUtcNow() < deletableAt)
            {
                Log.GenerationHeldBack(logger, subvolume, oldest.Generation, deletableAt.ToString("yyyy-MM-dd"), options.Retention.MinAgeDays);
                break;
            }

            kept.RemoveAt(0);
            if (dryRun)
            {
                (int count, long bytes) = await DeleteFolderAsync(GenerationFolder(subvolume, oldest.Generation), dryRun: true, cancellationToken).ConfigureAwait(false);
                Log.GenerationWouldBeDeleted(logger, subvolume, oldest.Generation, count, bytes);
                continue;
            }

            await objects.PutJsonAsync(pointerKey, pointer with { Generations = kept, UpdatedAt = time.GetUtcNow() }, Shared.Spool.FormatJson.Default.Pointer, options.S3.StorageClassMetadata, ifNoneMatch: false, cancellationToken).ConfigureAwait(false);
            CrashPoint.Reached("uploader-during-retention");
            (int deleted, long freed) = await DeleteFolderAsync(GenerationFolder(subvolume, oldest.Generation), dryRun: false, cancellationToken).ConfigureAwait(false);
            Log.GenerationDeleted(logger, subvolume, oldest.Generation, deleted, freed);
        }

        if (!dryRun)
        {
            await DeleteOrphansAsync(subvolume, kept[0].Generation, cancellationToken).ConfigureAwait(false);
        }
    }

    private string GenerationFolder(string subvolume, string generation) => $"{options.S3.Prefix}{subvolume}/{generation}/";

    /// <summary>Generation folders older than the oldest the pointer names: no reader can reach them.</summary>
    private async Task DeleteOrphansAsync(string subvolume, string oldestNamed, CancellationToken cancellationToken)
    {
        string root = $"{options.S3.Prefix}{subvolume}/";
        ListObjectsV2Response listing = await s3.ListObjectsV2Async(
            new ListObjectsV2Request { BucketName = options.S3.Bucket, Prefix = root, Delimiter = "/" }, cancellationToken).ConfigureAwait(false);
        foreach (string folder in listing.CommonPrefixes ?? [])
        {
            string generation = folder[root.Length..].TrimEnd('/');
            if (string.CompareOrdinal(generation, oldestNamed) < 0)
            {
                (int deleted, long freed) = await DeleteFolderAsync(folder, dryRun: false, cancellationToken).ConfigureAwait(false);
                Log.GenerationDeleted(logger, subvolume, generation, deleted, freed);
            }
        }
    }

    private async Task<(int Count, long Bytes)> DeleteFolderAsync(string folder, bool dryRun, CancellationToken cancellationToken)
    {
        int count = 0;
        long bytes = 0;
        var request = new ListObjectsV2Request { BucketName = options.S3.Bucket, Prefix = folder };
        while (true)
        {
            ListObjectsV2Response page = await s3.ListObjectsV2Async(request, cancellationToken).ConfigureAwait(false);
            List<S3Object> items = page.S3Objects ?? [];
            count += items.Count;
            bytes += items.Sum(o => o.Size ?? 0);
            if (!dryRun && items.Count > 0)
            {
                // One request deletes up to 1,000 keys; a listing page holds at most that many.
                await s3.DeleteObjectsAsync(new DeleteObjectsRequest
                {
                    BucketName = options.S3.Bucket,
                    Objects = [.. items.Select(o => new KeyVersion { Key = o.Key })],
                }, cancellationToken).ConfigureAwait(false);
            }

            if (page.IsTruncated != true)
            {
                return (count, bytes);
            }

            request.ContinuationToken = page.NextContinuationToken;
        }
    }
}
