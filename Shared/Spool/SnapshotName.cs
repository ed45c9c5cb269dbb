using System.Globalization;
using System.Text.RegularExpressions;

namespace BtrfsToS3.Shared.Spool;

/// <summary>
/// Snapshot names are <c>&lt;subvolume&gt;.&lt;UTC time&gt;</c>, e.g. <c>data.20261125T020000Z</c>: they sort by time,
/// say whose they are, and mark the snapshots btrfs_to_s3 made (no others are ever touched).
/// A stream is named after the snapshot it sends.
/// </summary>
internal static partial class SnapshotName
{
    private const string TimeFormat = "yyyyMMdd'T'HHmmss'Z'";

    public static string Format(string subvolume, DateTimeOffset time) =>
        $"{subvolume}.{time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture)}";

    /// <summary>The generation a full stream starts is named after its snapshot's time.</summary>
    public static string Generation(string snapshotName) => snapshotName[(snapshotName.LastIndexOf('.') + 1)..];

    public static bool TryParse(string name, out string subvolume, out DateTimeOffset time)
    {
        Match match = Pattern().Match(name);
        subvolume = match.Success ? match.Groups["subvolume"].Value : string.Empty;
        time = default;
        return match.Success
            && DateTimeOffset.TryParseExact(
                match.Groups["time"].Value,
                TimeFormat,
                CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
                out time
            );
    }

    /// <summary>A configured name, or a nested one (<see cref="NestedName"/>), then the time.</summary>
    [GeneratedRegex(@"^(?<subvolume>[A-Za-z0-9][A-Za-z0-9_-]{0,63}(\.[A-Za-z0-9_.-]*)?)\.(?<time>[0-9]{8}T[0-9]{6}Z)$")]
    private static partial Regex Pattern();
}
