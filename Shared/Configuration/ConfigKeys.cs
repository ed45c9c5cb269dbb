namespace BtrfsToS3.Shared.Configuration;

/// <summary>
/// Every section and key the configuration knows, with its default; anything else in a file or on the command line
/// is rejected. btrfs_to_s3.ini at the top of the repository documents each one (a test keeps the two in step).
/// </summary>
internal static class ConfigKeys
{
    /// <summary>The section whose keys are free: subvolume name = mount path.</summary>
    public const string Subvolumes = "subvolumes";

    /// <summary>Defaults; null marks a key that has none and must be given.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, string?>> Known = new Dictionary<
        string,
        IReadOnlyDictionary<string, string?>
    >(StringComparer.OrdinalIgnoreCase)
    {
        // Besides the fixed key nested, [subvolumes] is free: each other key is a subvolume's name.
        [Subvolumes] = Section(("nested", "include")),
        ["snapshots"] = Section(("dir", null), ("retention", "minimal")),
        ["btrfs"] = Section(("send_protocol", "auto"), ("compressed_data", "auto")),
        ["encryption"] = Section(("recipients", "")),
        ["spool"] = Section(
            ("dir", "/var/spool/btrfs_to_s3"),
            ("quota", "450GiB"),
            ("chunk_size", "200GiB"),
            ("compression", "auto"),
            ("catalog", "yes")
        ),
        ["state"] = Section(("dir", "/var/lib/btrfs_to_s3"), ("metrics_file", "")),
        ["schedule"] = Section(("full_every_days", "182")),
        ["s3"] = Section(
            ("bucket", ""),
            ("region", ""),
            ("prefix", "backup/data/"),
            ("endpoint", ""),
            ("storage_class_data", "DEEP_ARCHIVE"),
            ("storage_class_metadata", "STANDARD"),
            ("concurrency", "16"),
            ("part_size", "64MiB"),
            ("request_timeout", "15m"),
            ("request_checksum_calculation", "when_supported"),
            ("object_lock", "off"),
            ("lock_margin", "30d")
        ),
        ["uploader"] = Section(
            ("give_up_after", "1h"),
            ("abort_uploads_older_than", "1d"),
            ("linger", "2m"),
            ("bandwidth", "off")
        ),
        ["retention"] = Section(("keep_generations", "1"), ("min_age_days", "180"), ("prune_in_run", "yes")),
        ["prices"] = Section(
            ("storage_per_gb_month", "0.00099"),
            ("put_per_1000", "0.05"),
            ("min_storage_days", "180"),
            ("object_overhead_kb", "40"),
            ("retrieval_per_gb", "0.0025"),
            ("retrieval_requests_per_1000", "0.025"),
            ("get_per_1000", "0.0004"),
            ("egress_per_gb", "0.09"),
            ("restored_copy_per_gb_month", "0.023")
        ),
        ["restore"] = Section(
            ("tier", "Bulk"),
            ("days", "auto"),
            ("download_rate", "100Mbit"),
            ("poll_interval", "15m"),
            ("trusted_keys", string.Empty)
        ),
        ["notify"] = Section(("url", ""), ("command", "")),
    };

    private static Dictionary<string, string?> Section(params (string Key, string? Default)[] keys) =>
        keys.ToDictionary(k => k.Key, k => k.Default, StringComparer.OrdinalIgnoreCase);
}
