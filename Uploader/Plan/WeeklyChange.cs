using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using BtrfsToS3.Shared.Publishing;

namespace BtrfsToS3.Uploader.Plan;

/// <summary>A subvolume's expected change per week (the bytes of a weekly incremental), where plan took it from, and on
/// what basis.</summary>
internal sealed record WeeklyChange(long Bytes, ChangeSource Source, string Basis)
{
    /// <summary>Incrementals over less time say little of a week: a test run, or the first hours after a
    /// full.</summary>
    private static readonly TimeSpan ShortestSpan = TimeSpan.FromDays(1);

    /// <summary>
    /// The published incrementals' bytes per week: their sum over the time from the full's snapshot to the last
    /// incremental's, so that a daily or an irregular timer is counted as well as a weekly one. False, with the reason,
    /// when the chain has no incremental yet or spans less than a day.
    /// </summary>
    /// <param name="chain">A generation's manifests in chain order, the full first.</param>
    public static bool TryPublished(
        IReadOnlyList<Manifest> chain,
        [NotNullWhen(true)] out WeeklyChange? change,
        [NotNullWhen(false)] out string? whyNot
    )
    {
        change = null;
        List<Manifest> incrementals = [.. chain.Where(m => m.Kind == StreamKind.Incremental)];
        if (incrementals.Count == 0)
        {
            whyNot = $"only the full of generation {chain[0].Generation}";
            return false;
        }

        if (
            !SnapshotName.TryParse(chain[0].Snapshot.Name, out _, out DateTimeOffset first)
            || !SnapshotName.TryParse(chain[^1].Snapshot.Name, out _, out DateTimeOffset last)
        )
        {
            whyNot = $"snapshot names without a time in generation {chain[0].Generation}";
            return false;
        }

        TimeSpan span = last - first;
        long bytes = incrementals.Sum(m => m.TotalBytes);
        string counted = string.Create(
            CultureInfo.InvariantCulture,
            $"{incrementals.Count} incremental{(incrementals.Count == 1 ? string.Empty : "s")} of {ByteSize.Human(bytes)} in {span.TotalDays:0.0} days of generation {chain[0].Generation}"
        );
        if (span < ShortestSpan)
        {
            whyNot = $"{counted}, too short a time to tell a week";
            return false;
        }

        change = new WeeklyChange(
            (long)(bytes * 7m / (decimal)span.TotalDays),
            ChangeSource.Published,
            $"published: {counted}"
        );
        whyNot = null;
        return true;
    }

    /// <summary>The weekly rate a ctime scan measured.</summary>
    public static WeeklyChange FromScan(GrowthScan scan) =>
        new(
            scan.WeeklyBytes,
            ChangeSource.Scan,
            string.Create(
                CultureInfo.InvariantCulture,
                $"scan of {scan.ScannedAt:yyyy-MM-dd}: {ByteSize.Human(scan.ChangedBytes)} of {ByteSize.Human(scan.TotalBytes)} changed in {scan.Days} days"
            )
        );

    /// <summary>A share of the size, as --weekly-change gives it.</summary>
    public static WeeklyChange FromShare(long size, decimal share) =>
        new(
            (long)(size * share),
            ChangeSource.Share,
            string.Create(CultureInfo.InvariantCulture, $"--weekly-change: {share:P1} of {ByteSize.Human(size)}")
        );
}
