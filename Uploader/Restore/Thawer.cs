using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Uploader.S3;

namespace BtrfsToS3.Uploader.Restore;

/// <summary>
/// Thaws the chunks of archived streams (GLACIER, DEEP_ARCHIVE) for a restore. S3 keeps the state of a thaw itself,
/// which HeadObject reports in <c>x-amz-restore</c> (ongoing, or done until an expiry date), so requesting is
/// idempotent and a restore survives exiting and running again: each run asks S3, never a local file.
/// </summary>
internal sealed class Thawer(BackupRepository repository, RestoreOptions restore, PriceOptions prices, ILogger logger)
{
    private static readonly HashSet<string> ArchiveClasses = new(StringComparer.Ordinal) { "GLACIER", "DEEP_ARCHIVE" };

    /// <summary>Counts what is ready; with <paramref name="request"/>, asks S3 to thaw what is neither ready nor thawing.</summary>
    public async Task<ThawStatus> CheckAsync(IReadOnlyList<Manifest> chain, bool request, CancellationToken cancellationToken)
    {
        int total = 0, ready = 0, thawing = 0, requested = 0;
        long bytesToThaw = 0;
        var toRequest = new List<ManifestChunk>();
        foreach (Manifest manifest in chain)
        {
            foreach (ManifestChunk chunk in manifest.Chunks)
            {
                total++;
                if (!ArchiveClasses.Contains(manifest.StorageClass))
                {
                    ready++;
                    continue;
                }

                ObjectHead head = await repository.HeadAsync(chunk.Key, cancellationToken).ConfigureAwait(false)
                    ?? throw new BackupFailure(FailureKind.BadData, $"chunk {repository.Address(chunk.Key)} is named by manifest {manifest.Stream} but missing");
                if (head.ThawOngoing)
                {
                    thawing++;
                }
                else if (head.ThawExpires is not null)
                {
                    ready++;
                }
                else
                {
                    toRequest.Add(chunk);
                    bytesToThaw += chunk.Size;
                }
            }
        }

        if (request && toRequest.Count > 0)
        {
            decimal cost = (bytesToThaw / 1e9m * prices.RetrievalPerGb) + (toRequest.Count * prices.RetrievalRequestsPer1000 / 1000m);
            Log.ThawCost(logger, toRequest.Count, bytesToThaw, restore.Tier, Math.Round(cost, 2));
            foreach (ManifestChunk chunk in toRequest)
            {
                if (await repository.RequestThawAsync(chunk.Key, restore.Days, restore.Tier, cancellationToken).ConfigureAwait(false) == ThawAnswer.Thawing)
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
