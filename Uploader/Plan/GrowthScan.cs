using System.Globalization;

namespace BtrfsToS3.Uploader.Plan;

/// <summary>
/// A row of the TSV scripts/fs_growth_analysis.sh writes: a subvolume (its name, or the path it was given as), the
/// bytes of its regular files, those of the files whose ctime is within the last Days days, and that change per week;
/// with the time the file was written.
/// </summary>
internal sealed record GrowthScan(
    string Subvolume,
    long TotalBytes,
    long ChangedBytes,
    int Days,
    long WeeklyBytes,
    DateTimeOffset ScannedAt
)
{
    private const string Header = "subvolume\ttotal_bytes\tchanged_bytes\tdays\tweekly_bytes";

    /// <summary>The file's rows; none when there is no file. A row that cannot be read is an error naming its
    /// line.</summary>
    public static IReadOnlyList<GrowthScan> ReadAll(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        DateTimeOffset scannedAt = File.GetLastWriteTimeUtc(path);
        var rows = new List<GrowthScan>();
        string[] lines = File.ReadAllLines(path);
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length == 0 || lines[i] == Header)
            {
                continue;
            }

            string[] f = lines[i].Split('\t');
            if (
                f.Length != 5
                || f[0].Length == 0
                || Count(f[1]) is not { } total
                || Count(f[2]) is not { } changed
                || !int.TryParse(f[3], NumberStyles.None, CultureInfo.InvariantCulture, out int days)
                || days < 1
                || Count(f[4]) is not { } weekly
            )
            {
                throw new BackupFailure(
                    FailureKind.BadData,
                    $"{path} line {i + 1}: \"{lines[i]}\" is not a subvolume, total_bytes, changed_bytes, days and weekly_bytes apart by tabs; write it again with scripts/fs_growth_analysis.sh --write {path}"
                );
            }

            rows.Add(new GrowthScan(f[0], total, changed, days, weekly, scannedAt));
        }

        return rows;
    }

    private static long? Count(string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value) ? value : null;
}
