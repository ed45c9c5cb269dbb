namespace BtrfsToS3.Shared.Configuration;

/// <summary>
/// The state directory (what was published last, per subvolume; the stats file) and the optional node_exporter
/// textfile the uploader rewrites after each run (empty: none).
/// </summary>
/// <param name="Dir">[state] dir: an absolute path. Default <c>/var/lib/btrfs_to_s3</c>.</param>
/// <param name="MetricsFile">[state] metrics_file: empty or an absolute path. Default empty.</param>
internal sealed record StateOptions(string Dir, string MetricsFile)
{
    /// <summary>Reads and checks [state].</summary>
    public static StateOptions Read(ConfigSection section) =>
        new(section.AbsolutePath("dir"), section.OptionalAbsolutePath("metrics_file"));
}
