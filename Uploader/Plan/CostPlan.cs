using BtrfsToS3.Shared.Hashing;

namespace BtrfsToS3.Uploader.Plan;

/// <summary>
/// The arithmetic of the cost plan, for a weekly timer: a full every full_every_days and weekly incrementals between.
/// A generation is deleted once a newer full is published and its newest object is min_age_days old, so with the
/// default 182/180 days the old generation lingers while the new one grows: that overlap is in the stored average.
/// </summary>
internal static class CostPlan
{
    /// <summary>S3 bills by the GB of 2^30 bytes (its FAQ's storage example divides byte-hours by
    /// 1,073,741,824).</summary>
    public const decimal BytesPerGb = 1_073_741_824m;

    /// <summary>A month of storage, as S3's per-month prices are turned into days.</summary>
    public const decimal DaysPerMonth = 30m;

    public static SubvolumePlan For(string subvolume, long size, long weeklyChange, BackupOptions options)
    {
        long partSize = options.S3.PartSize;
        PriceOptions prices = options.Prices;
        StreamCost full = Stream(size, options.Spool.ChunkSize, partSize, prices);
        StreamCost incremental = Stream(weeklyChange, options.Spool.ChunkSize, partSize, prices);
        int weeks = (options.Schedule.FullEveryDays + 6) / 7;
        int incrementals = Math.Max(0, weeks - 1);
        long generationBytes = size + (incrementals * weeklyChange);
        long generationObjects = full.Objects + (incrementals * incremental.Objects);

        // Day (from its start) the old generation goes: when the next full is there and its newest object is old
        // enough.
        int deletedOn = Math.Max(options.Schedule.FullEveryDays, (incrementals * 7) + options.Retention.MinAgeDays);
        int heldBack = deletedOn - options.Schedule.FullEveryDays;
        decimal averageStored =
            (options.Retention.KeepGenerations * (size + (incrementals * weeklyChange / 2m)))
            + (generationBytes * (decimal)heldBack / options.Schedule.FullEveryDays);
        decimal averageObjects =
            (options.Retention.KeepGenerations + ((decimal)heldBack / options.Schedule.FullEveryDays))
            * generationObjects;
        decimal monthly =
            ((averageStored / BytesPerGb) + (averageObjects * prices.ObjectOverheadKb * 1000m / BytesPerGb))
            * prices.StoragePerGbMonth;

        decimal early = EarlyDays(deletedOn, prices.MinStorageDays) * size;
        for (int week = 1; week <= incrementals; week++)
        {
            early += EarlyDays(deletedOn - (week * 7), prices.MinStorageDays) * weeklyChange;
        }

        // The most a restore of the current chain downloads: the generation at its end, all its chunks thawed (the
        // manifests are not archived), and the pointer read.
        RestoreCost restore = RestoreCost.Of(
            generationBytes,
            full.Objects - 1 + (incrementals * (incremental.Objects - 1)),
            full.GetRequests + (incrementals * incremental.GetRequests) + 1,
            options.Restore.DaysFor(generationBytes),
            prices
        );

        // Under Object Lock a deleted generation's versions stay until their lock ends, lock_margin after retention
        // deleted them (docs/FORMAT.md, "Object Lock"): one generation per full_every_days, each held that much longer.
        decimal lockMonthly = options.S3.ObjectLock is null
            ? 0m
            : generationBytes
                * (decimal)options.S3.LockMargin.TotalDays
                / options.Schedule.FullEveryDays
                / BytesPerGb
                * prices.StoragePerGbMonth;

        // A full abandoned before its publish (the spool lost with the stream half uploaded, then sent anew as another
        // stream) stays as a folder no pointer names. Without a lock retention deletes it once min_age_days old (billed
        // at least the class's minimum); under Object Lock it is held as long as a generation, until its lock ends.
        int abandonedDays = options.S3.ObjectLock is null
            ? Math.Max(options.Retention.MinAgeDays, prices.MinStorageDays)
            : Math.Max(
                options.Retention.KeepGenerations * options.Schedule.FullEveryDays,
                options.Schedule.FullEveryDays + options.Retention.MinAgeDays
            ) + (int)Math.Ceiling(options.S3.LockMargin.TotalDays);
        decimal abandoned = size / BytesPerGb * prices.StoragePerGbMonth * abandonedDays / DaysPerMonth;

        return new SubvolumePlan(
            subvolume,
            size,
            weeklyChange,
            full,
            incremental,
            incrementals,
            (long)averageStored,
            Math.Round(monthly, 4),
            heldBack,
            Math.Round(early / BytesPerGb * prices.StoragePerGbMonth / DaysPerMonth, 4),
            restore,
            Math.Round(lockMonthly, 4),
            abandonedDays,
            Math.Round(abandoned, 4)
        );
    }

    /// <summary>
    /// Objects and PUT-class requests of one stream: per chunk a PUT, or create + parts + complete; then manifest and
    /// pointer. And the GETs that download it: per chunk one, or one per part-sized range as a restore fetches a chunk
    /// larger than a part; then the manifest.
    /// </summary>
    private static StreamCost Stream(long bytes, long chunkSize, long partSize, PriceOptions prices)
    {
        long chunks = Math.Max(1, (bytes + chunkSize - 1) / chunkSize);
        long requests = 2;
        long gets = 1;
        for (long i = 0; i < chunks; i++)
        {
            long chunk = Math.Min(chunkSize, Math.Max(1, bytes - (i * chunkSize)));
            requests += chunk <= partSize ? 1 : 2 + PartSizing.PartCount(chunk, partSize);
            gets += PartSizing.PartCount(chunk, partSize);
        }

        return new StreamCost(bytes, chunks + 1, requests, Math.Round(requests * prices.PutPer1000 / 1000m, 4), gets);
    }

    private static decimal EarlyDays(int ageAtDeletion, int minStorageDays) =>
        Math.Max(0, minStorageDays - ageAtDeletion);
}
