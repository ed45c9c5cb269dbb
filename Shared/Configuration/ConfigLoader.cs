using System.Globalization;
using System.Text.RegularExpressions;
using BtrfsToS3.Shared.Hashing;
using Microsoft.Extensions.Configuration;

namespace BtrfsToS3.Shared.Configuration;

/// <summary>
/// Reads the INI file, lays the command-line overrides over it and validates every key before anything is touched.
/// The first problem found ends the load with one line that names the key, where it came from and what is wrong.
/// </summary>
internal static partial class ConfigLoader
{
    public const string DefaultPath = "/etc/btrfs_to_s3.ini";

    /// <param name="path">The INI file.</param>
    /// <param name="overrides">Keys as <c>section:key</c> from the command line; they win over the file.</param>
    public static BackupOptions Load(string path, IReadOnlyDictionary<string, string> overrides)
    {
        string file = Path.GetFullPath(path);
        IConfigurationRoot root = Read(file, overrides);
        var source = new ConfigSource(file, overrides);
        RejectUnknown(root, source);
        ConfigSection Section(string name) => new(root, source, name);

        IReadOnlyList<SubvolumeOptions> subvolumes = ReadSubvolumes(root, source);
        var snapshots = new SnapshotOptions(
            Section("snapshots").AbsolutePath("dir"),
            Section("snapshots").Retention("retention"));

        long chunkSize = Section("spool").Size("chunk_size", min: 1, max: S3Limits.MaxChunkSize);
        long quota = Section("spool").Size("quota", min: 1, max: long.MaxValue);
        if (quota < chunkSize)
        {
            throw ConfigError.At(
                source.Where("spool", "quota"),
                $"{ByteSize.Format(quota)} is smaller than one chunk (chunk_size = {ByteSize.Format(chunkSize)}); the spool must hold at least one whole chunk");
        }

        var spool = new SpoolOptions(Section("spool").AbsolutePath("dir"), quota, chunkSize);
        var state = new StateOptions(
            Section("state").AbsolutePath("dir"),
            Section("state").OptionalAbsolutePath("metrics_file"));
        var schedule = new ScheduleOptions(Section("schedule").Integer("full_every_days", min: 1, max: 3650));

        var s3 = new S3Options(
            Bucket: Section("s3").BucketName("bucket"),
            Region: Section("s3").Text("region"),
            Prefix: Section("s3").Prefix("prefix"),
            Endpoint: Section("s3").Endpoint("endpoint"),
            StorageClassData: Section("s3").StorageClass("storage_class_data"),
            StorageClassMetadata: Section("s3").StorageClass("storage_class_metadata"),
            Concurrency: Section("s3").Integer("concurrency", min: 1, max: 256),
            PartSize: Section("s3").Size("part_size", min: S3Limits.MinPartSize, max: S3Limits.MaxPartSize),
            RequestTimeout: Section("s3").Duration("request_timeout", TimeSpan.FromSeconds(1), TimeSpan.FromDays(1)),
            ChecksumsWhenRequiredOnly: Section("s3").Choice("request_checksum_calculation", "when_supported", "when_required") == "when_required");
        long partsPerChunk = PartSizing.PartCount(chunkSize, s3.PartSize);
        if (partsPerChunk > S3Limits.MaxPartsPerUpload)
        {
            // Rejected rather than raised behind the user's back: the part size is fixed in every stream's header
            // and decides the ETags, so it must be the number the configuration says.
            long needed = (chunkSize + S3Limits.MaxPartsPerUpload - 1) / S3Limits.MaxPartsPerUpload;
            throw ConfigError.At(
                source.Where("s3", "part_size"),
                $"{ByteSize.Format(s3.PartSize)} cuts a chunk of {ByteSize.Format(chunkSize)} (chunk_size) into {partsPerChunk} parts; S3 allows {S3Limits.MaxPartsPerUpload}: set part_size to at least {ByteSize.Format((needed + ByteSize.MiB - 1) / ByteSize.MiB * ByteSize.MiB)}");
        }

        var uploader = new UploaderOptions(
            Section("uploader").Duration("give_up_after", TimeSpan.Zero, TimeSpan.FromDays(30)),
            Section("uploader").Duration("abort_uploads_older_than", TimeSpan.Zero, TimeSpan.FromDays(365)),
            Section("uploader").Duration("linger", TimeSpan.Zero, TimeSpan.FromDays(1)));

        var retention = new RetentionOptions(
            Section("retention").Integer("keep_generations", min: 1, max: 1000),
            Section("retention").Integer("min_age_days", min: 0, max: 3650));
        var prices = new PriceOptions(
            Section("prices").Price("storage_per_gb_month"),
            Section("prices").Price("put_per_1000"),
            Section("prices").Integer("min_storage_days", min: 0, max: 3650),
            Section("prices").Integer("object_overhead_kb", min: 0, max: 1024),
            Section("prices").Price("retrieval_per_gb"),
            Section("prices").Price("retrieval_requests_per_1000"));
        var restore = new RestoreOptions(
            Section("restore").Choice("tier", "Bulk", "Standard", "Expedited"),
            Section("restore").Integer("days", min: 1, max: 365),
            Section("restore").Duration("poll_interval", TimeSpan.FromSeconds(1), TimeSpan.FromDays(1)));

        return new BackupOptions(source, subvolumes, snapshots, spool, state, schedule, s3, uploader, retention, prices, restore);
    }

    /// <summary>The file, a full path, with the overrides laid over it; no key is checked yet.</summary>
    public static IConfigurationRoot Read(string file, IReadOnlyDictionary<string, string> overrides)
    {
        if (!File.Exists(file))
        {
            throw ConfigError.At(file, "the configuration file does not exist (give another with --config FILE)");
        }

        try
        {
            return new ConfigurationBuilder()
                .AddIniFile(file, optional: false, reloadOnChange: false)
                .AddInMemoryCollection(overrides.Select(o => new KeyValuePair<string, string?>(o.Key, o.Value)))
                .Build();
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw ConfigError.At(file, $"cannot be read: {(e.InnerException ?? e).Message}");
        }
    }

    private static void RejectUnknown(IConfigurationRoot root, ConfigSource source)
    {
        foreach (IConfigurationSection section in root.GetChildren())
        {
            if (section.Key.Equals(ConfigKeys.Subvolumes, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!ConfigKeys.Known.TryGetValue(section.Key, out IReadOnlyDictionary<string, string?>? keys))
            {
                string where = source.Overrides.Keys.Any(k => k.StartsWith(section.Key + ":", StringComparison.OrdinalIgnoreCase))
                    ? "command line"
                    : source.File;
                throw ConfigError.At(
                    where,
                    $"unknown section [{section.Key}] (known: [{ConfigKeys.Subvolumes}], {string.Join(", ", ConfigKeys.Known.Keys.Select(k => $"[{k}]"))})");
            }

            foreach (IConfigurationSection key in section.GetChildren())
            {
                if (!keys.ContainsKey(key.Key) || key.Value is null)
                {
                    throw ConfigError.At(
                        source.Where(section.Key, key.Key),
                        $"unknown key (keys of [{section.Key}]: {string.Join(", ", keys.Keys)})");
                }
            }
        }
    }

    private static List<SubvolumeOptions> ReadSubvolumes(IConfigurationRoot root, ConfigSource source)
    {
        var subvolumes = new List<SubvolumeOptions>();
        var section = new ConfigSection(root, source, ConfigKeys.Subvolumes);
        foreach (IConfigurationSection entry in root.GetSection(ConfigKeys.Subvolumes).GetChildren())
        {
            string where = section.Where(entry.Key);
            if (!SubvolumeName().IsMatch(entry.Key))
            {
                throw ConfigError.At(
                    where,
                    "a subvolume name takes letters, digits, '_' and '-' only, starts with a letter or digit and has at most 64 characters (it names snapshots, streams and S3 keys)");
            }

            string path = section.AbsolutePath(entry.Key, entry.Value);
            subvolumes.Add(new SubvolumeOptions(entry.Key, path));
        }

        if (subvolumes.Count == 0)
        {
            throw ConfigError.At(source.File, $"[{ConfigKeys.Subvolumes}] names no subvolume (add lines such as: data = /srv/data/data)");
        }

        return subvolumes;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")]
    private static partial Regex SubvolumeName();
}
