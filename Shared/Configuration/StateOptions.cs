namespace BtrfsToS3.Shared.Configuration;

/// <summary>
/// The state directory (what was published last, per subvolume; the stats file) and the optional node_exporter
/// textfile the uploader rewrites after each run (empty: none).
/// </summary>
internal sealed record StateOptions(string Dir, string MetricsFile);
