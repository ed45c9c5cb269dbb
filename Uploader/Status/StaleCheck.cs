using System.Globalization;

namespace BtrfsToS3.Uploader.Status;

/// <summary>
/// <c>status --max-age DURATION</c>, for cron or a monitoring agent: one line for each subvolume whose last publish is
/// older than that, or that has none, and none when all are fresh. A backup that silently stopped (a timer disabled, a
/// host that never reaches S3) shows only here: every run that does not happen also fails to report.
/// </summary>
internal static class StaleCheck
{
    /// <summary>
    /// The stale subvolumes' lines. A nested subvolume gone from the host is passed over (its chain stays in S3 and is
    /// never continued); one whose S3 state could not be read is named as unknown, and status exits for that problem.
    /// </summary>
    public static IReadOnlyList<string> Lines(
        IReadOnlyList<SubvolumeStatus> subvolumes,
        TimeSpan maxAge,
        DateTimeOffset now
    )
    {
        var lines = new List<string>();
        foreach (SubvolumeStatus s in subvolumes.Where(s => s.GoneFromHost != true))
        {
            DateTimeOffset? last = new[] { s.LastFull?.PublishedAt, s.LastIncremental?.PublishedAt }.Max();
            if (s.Problem is not null)
            {
                lines.Add($"{s.Subvolume}: age of the last publish unknown: {s.Problem}");
            }
            else if (last is null)
            {
                lines.Add($"{s.Subvolume}: stale: nothing published yet (--max-age {Duration.Format(maxAge)})");
            }
            else if (now - last.Value > maxAge)
            {
                lines.Add(
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"{s.Subvolume}: stale: last published {last.Value.UtcDateTime:yyyy-MM-dd HH:mm} UTC, {(now - last.Value).TotalDays:0.0} days ago, older than --max-age {Duration.Format(maxAge)}"
                    )
                );
            }
        }

        return lines;
    }
}
