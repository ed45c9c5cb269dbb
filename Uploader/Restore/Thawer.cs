using BtrfsToS3.Shared.Hashing;
using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Uploader.Plan;
using BtrfsToS3.Uploader.S3;

namespace BtrfsToS3.Uploader.Restore;

/// <summary>
/// Thaws the chunks a restore still has to download. Whether a chunk needs a thaw is asked of S3, chunk by chunk
/// (HeadObject: x-amz-storage-class, and x-amz-restore, ongoing or done until an expiry), never taken from the
/// manifest: a bucket lifecycle rule can have moved a chunk written as STANDARD to Deep Archive since. S3 keeps the
/// state of a thaw itself, so requesting is idempotent and a restore survives exiting and running again.
/// </summary>
internal sealed class Thawer(BackupRepository repository, RestoreOptions restore, PriceOptions prices, ILogger logger)
{
    /// <summary>
    /// Counts what is ready among the chunks of <paramref name="toReceive"/>, the streams not yet received; with
    /// <paramref name="request"/>, asks S3 to thaw what is neither ready nor thawing, for as many days as downloading
    /// all of them takes at the expected rate ([restore] days).
    /// </summary>
    public async Task<ThawStatus> CheckAsync(
        IReadOnlyList<Manifest> toReceive,
        bool request,
        CancellationToken cancellationToken
    )
    {
        int total = 0,
            ready = 0,
            thawing = 0,
            requested = 0;
        long gets = 0;
        long bytesToThaw = 0;
        var toRequest = new List<ManifestChunk>();
        foreach (Manifest manifest in toReceive)
        {
            foreach (ManifestChunk chunk in manifest.Chunks)
            {
                total++;
                ObjectHead head = await repository.HeadAsync(chunk.Key, chunk.Version, cancellationToken)
                    ?? throw new BackupFailure(
                        FailureKind.BadData,
                        $"chunk {repository.Address(chunk.Key)}{(chunk.Version is null ? string.Empty : $" version {chunk.Version}")} is named by manifest {manifest.Stream} but missing"
                    );
                if (!S3Limits.ArchiveStorageClasses.Contains(head.StorageClass))
                {
                    ready++;
                }
                else if (head.ThawOngoing)
                {
                    thawing++;
                }
                else if (head.ThawExpires is not null)
                {
                    ready++;
                }
                else if (head.StorageClass == "DEEP_ARCHIVE" && restore.Tier == "Expedited")
                {
                    throw new BackupFailure(
                        FailureKind.Config,
                        $"chunk {repository.Address(chunk.Key)} is in DEEP_ARCHIVE, which has no Expedited retrieval: set [restore] tier = Standard or Bulk"
                    );
                }
                else
                {
                    toRequest.Add(chunk);
                    bytesToThaw += chunk.Size;
                    gets += chunk.Size > manifest.PartSize ? PartSizing.PartCount(chunk.Size, manifest.PartSize) : 1;
                }
            }
        }

        if (request && toRequest.Count > 0)
        {
            int days = restore.DaysFor(toReceive.Sum(m => m.TotalBytes));
            // What these chunks cost from here on: the thaw, the GETs (one per part-sized range of a large chunk),
            // egress and the thawed copies for the days chosen.
            Log.ThawCost(
                logger,
                toRequest.Count,
                bytesToThaw,
                restore.Tier,
                RestoreCost.Of(bytesToThaw, toRequest.Count, gets, days, prices).ToString()
            );
            Log.ThawDays(
                logger,
                days,
                toReceive.Sum(m => m.TotalBytes),
                restore.Days is null
                    ? $"auto, at [restore] download_rate {BandwidthSchedule.DescribeRate(restore.DownloadRate)}"
                    : "[restore] days"
            );
            foreach (ManifestChunk chunk in toRequest)
            {
                if (
                    await repository.RequestThawAsync(chunk.Key, chunk.Version, days, restore.Tier, cancellationToken)
                    == ThawAnswer.Thawing
                )
                {
                    requested++;
                }
                else
                {
                    Log.NoArchiveTier(logger, chunk.Key);
                    ready++;
                    bytesToThaw -= chunk.Size;
                }
            }
        }

        return new ThawStatus(total, ready, thawing + requested, requested, bytesToThaw);
    }
}
