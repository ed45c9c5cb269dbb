using BtrfsToS3.Shared.Format;
using BtrfsToS3.Shared.Spool;

namespace BtrfsToS3.Shared.State;

/// <summary>The files of the state directory (docs/FORMAT.md, "Local state"); nothing else joins a state
/// path.</summary>
internal static class StateFiles
{
    public const string StatsName = "stats.jsonl";

    private const string PublishedSuffix = ".published.json";

    public static string PublishedPath(string stateDir, string subvolume) =>
        Path.Combine(stateDir, subvolume + PublishedSuffix);

    /// <summary>thaw-&lt;subvolume&gt;.json: when this host last asked S3 to thaw the subvolume's chunks.</summary>
    public static string ThawPath(string stateDir, string subvolume) =>
        Path.Combine(stateDir, $"thaw-{subvolume}.json");

    /// <summary>stats.jsonl: the uploader's figures, one JSON line per chunk and per run.</summary>
    public static string StatsPath(string stateDir) => Path.Combine(stateDir, StatsName);

    /// <summary>growth.tsv: what scripts/fs_growth_analysis.sh --write measured of each subvolume's change, for
    /// plan.</summary>
    public static string GrowthPath(string stateDir) => Path.Combine(stateDir, "growth.tsv");

    /// <summary>The configured subvolume and the nested ones in it that have a published state here, configured
    /// first.</summary>
    public static IReadOnlyList<string> PublishedIn(string stateDir, string configured) =>
        [
            configured,
            .. Directory
                .EnumerateFiles(stateDir, $"{configured}.*{PublishedSuffix}")
                .Select(f => Path.GetFileName(f)[..^PublishedSuffix.Length])
                .Order(StringComparer.Ordinal),
        ];

    /// <summary>The subvolume's last published snapshot, or null when none was ever published.</summary>
    public static PublishedSnapshot? ReadPublished(string stateDir, string subvolume)
    {
        string path = PublishedPath(stateDir, subvolume);
        return File.Exists(path) ? SpoolFiles.Read(path, FormatJson.Default.PublishedSnapshot) : null;
    }

    public static void WritePublished(string stateDir, PublishedSnapshot published) =>
        SpoolFiles.Write(
            PublishedPath(stateDir, published.Subvolume),
            published,
            FormatJson.Default.PublishedSnapshot,
            overwrite: true
        );
}
