using System.Globalization;
using BtrfsToS3.Shared.Btrfs;
using BtrfsToS3.Shared.State;
using BtrfsToS3.Uploader.Plan;

namespace BtrfsToS3.Uploader.Commands;

/// <summary>
/// <c>btrfs-to-s3-uploader plan [--size NAME=SIZE ...] [--weekly-change PERCENT]</c>: objects, requests and money per
/// full and per incremental, the monthly storage bill and the early-deletion exposure of the configured retention, and
/// what a restore of each subvolume's chain costs. Sizes are measured with <c>btrfs filesystem du</c> unless given;
/// each nested subvolume gets a row of its own. The weekly change comes from the incrementals published in S3, else
/// from the scan in the state directory, else from --weekly-change (<see cref="WeeklyChanges"/>).
/// </summary>
internal static class PlanCommand
{
    /// <param name="repository">Null when S3 cannot be asked (no bucket, no region); <paramref name="noRepository"/>
    /// says why.</param>
    public static async Task<int> RunAsync(
        BackupOptions options,
        BackupRepository? repository,
        string? noRepository,
        IReadOnlyList<string> sizes,
        IReadOnlyList<string> weeklyChange,
        TextWriter output,
        CancellationToken cancellationToken
    )
    {
        var given = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (string entry in sizes)
        {
            string[] parts = entry.Split('=', 2);
            if (
                parts.Length != 2
                || ByteSize.TryParse(parts[1]) is not { } bytes
                || options.Subvolumes.All(s => s.Name != parts[0])
            )
            {
                throw new BackupFailure(
                    FailureKind.Usage,
                    $"usage: --size wants a configured subvolume and a size, e.g. --size data=5TiB (got \"{entry}\")"
                );
            }

            given[parts[0]] = bytes;
        }

        decimal change = 0.01m;
        if (weeklyChange.Count > 0)
        {
            string text = weeklyChange[^1].TrimEnd('%');
            if (
                !decimal.TryParse(
                    text,
                    NumberStyles.AllowDecimalPoint,
                    CultureInfo.InvariantCulture,
                    out decimal percent
                )
                || percent < 0
                || percent > 100
            )
            {
                throw new BackupFailure(
                    FailureKind.Usage,
                    $"usage: --weekly-change wants a percentage, e.g. 1% (got \"{weeklyChange[^1]}\")"
                );
            }

            change = percent / 100m;
        }

        string scanFile = StateFiles.GrowthPath(options.State.Dir);
        var changes = new WeeklyChanges(repository, noRepository, GrowthScan.ReadAll(scanFile), change);
        var plans = new List<(SubvolumePlan Plan, WeeklyChange Change)>();
        foreach (SubvolumeOptions subvolume in options.Subvolumes)
        {
            IReadOnlyList<(string Name, string Path, long Size)> measured = given.TryGetValue(
                subvolume.Name,
                out long s
            )
                ? [(subvolume.Name, subvolume.Path, s)]
                : await MeasureAsync(subvolume, options.Nested == NestedMode.Include, cancellationToken);
            foreach ((string name, string path, long size) in measured)
            {
                WeeklyChange weekly = await changes.ForAsync(name, path, size, cancellationToken);
                plans.Add((CostPlan.For(name, size, weekly.Bytes, options), weekly));
            }
        }

        List<SubvolumePlan> costs = [.. plans.Select(p => p.Plan)];
        Write(options, costs, given.Count == options.Subvolumes.Count, output);
        WriteRestores(options, costs, output);
        WriteChanges(plans, changes.Unread, scanFile, output);
        return ExitCodes.Ok;
    }

    /// <summary>
    /// The subvolume's size and, with nested = include, each nested one's, measured apart: <c>btrfs filesystem du</c>
    /// of a path counts what is below it in nested subvolumes too, so each is measured without what is nested in it
    /// (read-only snapshots, which are not backed up, included).
    /// </summary>
    private static async Task<IReadOnlyList<(string Name, string Path, long Size)>> MeasureAsync(
        SubvolumeOptions subvolume,
        bool nested,
        CancellationToken cancellationToken
    )
    {
        var btrfs = new BtrfsTool();
        IReadOnlyList<NestedSubvolume> below = nested ? await btrfs.NestedAsync(subvolume.Path, cancellationToken) : [];
        var total = new Dictionary<string, long>(StringComparer.Ordinal)
        {
            [string.Empty] = await DiskUsageAsync(btrfs, subvolume, subvolume.Path, cancellationToken),
        };
        foreach (NestedSubvolume n in below)
        {
            total[n.Path] = await DiskUsageAsync(
                btrfs,
                subvolume,
                Path.Combine(subvolume.Path, n.Path),
                cancellationToken
            );
        }

        // What a path holds itself: its total less that of each subvolume right below it.
        string? Above(string path) =>
            below
                .Select(n => n.Path)
                .Where(p => path.StartsWith(p + "/", StringComparison.Ordinal))
                .MaxBy(p => p.Length);
        var own = new Dictionary<string, long>(total, StringComparer.Ordinal);
        foreach (NestedSubvolume n in below)
        {
            own[Above(n.Path) ?? string.Empty] -= total[n.Path];
        }

        // du counts extents a snapshot shares with its source in both, so what is left can come out below nothing.
        return
        [
            (subvolume.Name, subvolume.Path, Math.Max(0, own[string.Empty])),
            .. below
                .Where(n => !n.IsSnapshot)
                .Select(n =>
                    (
                        NestedName.For(subvolume.Name, n.Path),
                        Path.Combine(subvolume.Path, n.Path),
                        Math.Max(0, own[n.Path])
                    )
                ),
        ];
    }

    private static async Task<long> DiskUsageAsync(
        BtrfsTool btrfs,
        SubvolumeOptions subvolume,
        string path,
        CancellationToken cancellationToken
    )
    {
        (long? bytes, string reason) = await btrfs.DiskUsageAsync(path, cancellationToken);
        return bytes
            ?? throw new BackupFailure(
                FailureKind.Unavailable,
                $"cannot measure {path} with btrfs filesystem du ({reason}); give its size with --size {subvolume.Name}=SIZE"
            );
    }

    private static void Write(BackupOptions options, List<SubvolumePlan> plans, bool allGiven, TextWriter output)
    {
        PriceOptions p = options.Prices;
        output.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"cost plan: chunk {ByteSize.Format(options.Spool.ChunkSize)}, part {ByteSize.Format(options.S3.PartSize)}, data in {options.S3.StorageClassData}, a full every {options.Schedule.FullEveryDays} days and weekly incrementals (their size and its source below){(allGiven ? string.Empty : ", sizes measured")},"
            )
        );
        output.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"keep_generations {options.Retention.KeepGenerations}, min_age_days {options.Retention.MinAgeDays}; prices: ${p.StoragePerGbMonth}/GB-month, ${p.PutPer1000}/1000 PUT, {p.MinStorageDays}-day minimum, {p.ObjectOverheadKb} KB per object"
            )
        );
        output.WriteLine();
        output.WriteLine(
            "subvolume          size   full: objects  PUTs    $   incr: objects  PUTs    $   stored (avg)   $/month   old gen held  early-deletion $/rollover"
        );
        foreach (SubvolumePlan plan in plans)
        {
            output.WriteLine(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"{plan.Subvolume, -12} {ByteSize.Human(plan.Size), 10} {plan.Full.Objects, 13} {plan.Full.PutRequests, 5} {plan.Full.PutCost, 6:0.00} {plan.Incremental.Objects, 14} {plan.Incremental.PutRequests, 5} {plan.Incremental.PutCost, 6:0.00} {ByteSize.Human(plan.AverageStoredBytes), 14} {plan.MonthlyStorageCost, 9:0.00} {plan.HeldBackDays, 10} d {plan.EarlyDeletionPerRollover, 20:0.00}"
                )
            );
        }

        output.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"{"total", -12} {ByteSize.Human(plans.Sum(x => x.Size)), 10} {plans.Sum(x => x.Full.Objects), 13} {plans.Sum(x => x.Full.PutRequests), 5} {plans.Sum(x => x.Full.PutCost), 6:0.00} {plans.Sum(x => x.Incremental.Objects), 14} {plans.Sum(x => x.Incremental.PutRequests), 5} {plans.Sum(x => x.Incremental.PutCost), 6:0.00} {ByteSize.Human(plans.Sum(x => x.AverageStoredBytes)), 14} {plans.Sum(x => x.MonthlyStorageCost), 9:0.00}"
            )
        );
        output.WriteLine();
        output.WriteLine(
            "old gen held: days the previous generation stays after the next full, until its newest object is min_age_days old."
        );
        output.WriteLine(
            "early-deletion: what deleting a generation costs in Deep Archive's minimum-storage charge (0 while min_age_days >= that minimum)."
        );
        if (options.S3.ObjectLock is { } mode)
        {
            output.WriteLine(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"object lock ({mode.ToLowerInvariant()}): every generation stays lock_margin ({Duration.Format(options.S3.LockMargin)}) past retention's deletion, until its lock ends: +${plans.Sum(x => x.LockMonthlyCost):0.00}/month on top of $/month above."
                )
            );
        }

        output.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"a full abandoned before its publish (the spool lost mid-upload, the stream sent anew) is held {plans.Max(x => x.AbandonedFullDays)} days until retention may delete it{(options.S3.ObjectLock is null ? string.Empty : " (its lock)")}: once, ${plans.Sum(x => x.AbandonedFullCost):0.00} for all subvolumes."
            )
        );

        output.WriteLine();
    }

    /// <summary>What a restore of each subvolume's chain costs when the chain is longest: its full and every
    /// incremental of a generation.</summary>
    private static void WriteRestores(BackupOptions options, List<SubvolumePlan> plans, TextWriter output)
    {
        PriceOptions p = options.Prices;
        output.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"a restore of the chain at the end of a generation (the full and {plans[0].IncrementalsPerGeneration} incrementals), thawed copies kept {(options.Restore.Days is { } days ? $"{days} days ([restore] days)" : $"for the download at {BandwidthSchedule.DescribeRate(options.Restore.DownloadRate)} ([restore] days = auto, download_rate)")};"
            )
        );
        output.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"prices: ${p.RetrievalPerGb}/GB and ${p.RetrievalRequestsPer1000}/1000 thawed, ${p.GetPer1000}/1000 GET, ${p.EgressPerGb}/GB egress, ${p.RestoredCopyPerGbMonth}/GB-month thawed copy"
            )
        );
        output.WriteLine();
        output.WriteLine(
            "subvolume      download  thawed     GETs  retrieval $  requests $  egress $  temporary $  days    total $"
        );
        foreach (SubvolumePlan plan in plans)
        {
            RestoreCost r = plan.Restore;
            output.WriteLine(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"{plan.Subvolume, -12} {ByteSize.Human(r.Bytes), 10} {r.Objects, 7} {r.GetRequests, 8} {r.Retrieval, 12:0.00} {r.Requests, 11:0.00} {r.Egress, 9:0.00} {r.TemporaryStorage, 12:0.00} {r.Days, 5} {r.Total, 10:0.00}"
                )
            );
        }

        output.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"{"total", -12} {ByteSize.Human(plans.Sum(x => x.Restore.Bytes)), 10} {plans.Sum(x => x.Restore.Objects), 7} {plans.Sum(x => x.Restore.GetRequests), 8} {plans.Sum(x => x.Restore.Retrieval), 12:0.00} {plans.Sum(x => x.Restore.Requests), 11:0.00} {plans.Sum(x => x.Restore.Egress), 9:0.00} {plans.Sum(x => x.Restore.TemporaryStorage), 12:0.00} {"", 5} {plans.Sum(x => x.Restore.Total), 10:0.00}"
            )
        );
        output.WriteLine();
        output.WriteLine(
            "egress: data transfer out to the internet (none when restoring to EC2 in the bucket's region: set egress_per_gb = 0)."
        );
        output.WriteLine();
    }

    /// <summary>Each subvolume's weekly change and where it came from; why S3 was not read, or why there is no scan, in
    /// a line each.</summary>
    private static void WriteChanges(
        List<(SubvolumePlan Plan, WeeklyChange Change)> rows,
        string? unread,
        string scanFile,
        TextWriter output
    )
    {
        output.WriteLine("weekly change: from the incrementals published in S3, else a scan, else --weekly-change");
        foreach ((SubvolumePlan plan, WeeklyChange change) in rows)
        {
            output.WriteLine($"{plan.Subvolume, -12} {ByteSize.Human(change.Bytes), 10}  {change.Basis}");
        }

        if (unread is not null)
        {
            output.WriteLine($"published incrementals not read: {unread}");
        }

        if (!File.Exists(scanFile))
        {
            output.WriteLine(
                $"no scan: {scanFile} does not exist (scripts/fs_growth_analysis.sh --config FILE --write {scanFile} makes it)"
            );
        }
    }
}
