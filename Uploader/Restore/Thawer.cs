using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Uploader.S3;
using Microsoft.Extensions.Logging;

namespace BtrfsToS3.Uploader.Restore;

/// <summary>
/// Thaws the chunks of archived streams (GLACIER, DEEP_ARCHIVE) for a restore. S3 keeps the state of a thaw itself,
/// which HeadObject reports in <c>x-amz-restore</c> (ongoing, or done until an expiry date), so requesting is
/// idempotent and a restore survives exiting and running again: each run asks S3, never a local file.
/// </summary>
internal sealed class Thawer(IAmazonS3 s3, BackupOptions options, OutageGuard guard, ILogger logger)
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

                (GetObjectMetadataResponse head, int _) = await guard.RunAsync(
                    $"head {chunk.Key}", ct => s3.GetObjectMetadataAsync(options.S3.Bucket, chunk.Key, ct), cancellationToken).ConfigureAwait(false);
                if (head.RestoreInProgress == true)
                {
                    thawing++;
                }
                else if (head.RestoreExpiration is not null)
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
            decimal cost = (bytesToThaw / 1e9m * options.Prices.RetrievalPerGb) + (toRequest.Count * options.Prices.RetrievalRequestsPer1000 / 1000m);
            Log.ThawCost(logger, toRequest.Count, bytesToThaw, options.Restore.Tier, Math.Round(cost, 2));
            foreach (ManifestChunk chunk in toRequest)
            {
                if (await RequestAsync(chunk.Key, cancellationToken).ConfigureAwait(false))
                {
                    requested++;
                }
                else
                {
                    ready++;
                    bytesToThaw -= chunk.Size;
                }
            }
        }

        return new ThawStatus(total, ready, thawing + requested, requested, bytesToThaw);
    }

    /// <summary>True when S3 thaws the object; false when the server has no archive tier (RGW: 501) and serves it as it is.</summary>
    private async Task<bool> RequestAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            await guard.RunAsync(
                $"restore {key}",
                ct => s3.RestoreObjectAsync(
                    new RestoreObjectRequest
                    {
                        BucketName = options.S3.Bucket,
                        Key = key,
                        Days = options.Restore.Days,
                        RetrievalTier = GlacierJobTier.FindValue(options.Restore.Tier),
                    },
                    ct),
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.Conflict && e.ErrorCode == "RestoreAlreadyInProgress")
        {
            // Someone (an earlier run) asked already: that is the state we want.
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotImplemented)
        {
            Log.NoArchiveTier(logger, key);
            return false;
        }
    }
}
