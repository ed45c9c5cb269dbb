using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Shared.State;

namespace BtrfsToS3.Uploader.Restore;

/// <summary>
/// Makes a restore's chunks readable: asks S3 to thaw what is archived, says how many are ready and when the rest is
/// expected, and with --wait looks again until all are; without it, exit 75 until they are.
/// </summary>
internal sealed class ThawWaiter(BackupRepository repository, BackupOptions options, TimeProvider time, ILogger logger)
{
    /// <summary>How long a thaw usually takes, by tier (AWS's figures for Deep Archive; Glacier is faster).</summary>
    private static readonly Dictionary<string, TimeSpan> ExpectedThaw = new(StringComparer.Ordinal)
    {
        ["Bulk"] = TimeSpan.FromHours(48),
        ["Standard"] = TimeSpan.FromHours(12),
        ["Expedited"] = TimeSpan.FromMinutes(5),
    };

    /// <summary>
    /// Makes every chunk of the chain readable: requests the thaw of archived ones, reports n of m ready, and with
    /// --wait polls until all are. False for --request-only, which stops after the request.
    /// </summary>
    public async Task<bool> ThawAsync(
        IReadOnlyList<Manifest> chain,
        RestoreRequest request,
        CancellationToken cancellationToken
    )
    {
        var thawer = new Thawer(repository, options.Restore, options.Prices, logger);
        string recordPath = StateFiles.ThawPath(options.State.Dir, string.Join('+', request.Subvolumes));
        while (true)
        {
            ThawStatus status = await thawer.CheckAsync(chain, request: true, cancellationToken);

            if (status.RequestedNow > 0)
            {
                SpoolFiles.Write(
                    recordPath,
                    new ThawRecord(time.GetUtcNow(), options.Restore.Tier, status.RequestedNow),
                    ThawJson.Default.ThawRecord,
                    overwrite: true
                );
            }

            ThawRecord? record = File.Exists(recordPath)
                ? System.Text.Json.JsonSerializer.Deserialize(
                    File.ReadAllBytes(recordPath),
                    ThawJson.Default.ThawRecord
                )
                : null;
            string expected = record is null
                ? "nothing requested by this host"
                : $"requested {record.RequestedAt:yyyy-MM-dd HH:mm} UTC, expected by {record.RequestedAt + ExpectedThaw[record.Tier]:yyyy-MM-dd HH:mm} UTC";
            Log.ThawProgress(logger, status.Ready, status.Total, status.Thawing, options.Restore.Tier, expected);
            if (request.RequestOnly)
            {
                return false;
            }

            if (status.AllReady)
            {
                return true;
            }

            if (!request.Wait)
            {
                throw new BackupFailure(
                    FailureKind.TryAgainLater,
                    $"subvolume {string.Join(", ", request.Subvolumes)}: {status.Ready} of {status.Total} chunks thawed ({expected}); run the restore again then, or with --wait"
                );
            }

            await Task.Delay(options.Restore.PollInterval, time, cancellationToken);
        }
    }
}
