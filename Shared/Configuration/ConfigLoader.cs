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
        if (!File.Exists(file))
        {
            throw ConfigError.At(file, "the configuration file does not exist (give another with --config FILE)");
        }

        IConfigurationRoot root;
        try
        {
            root = new ConfigurationBuilder()
                .AddIniFile(file, optional: false, reloadOnChange: false)
                .AddInMemoryCollection(overrides.Select(o => new KeyValuePair<string, string?>(o.Key, o.Value)))
                .Build();
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw ConfigError.At(file, $"cannot be read: {(e.InnerException ?? e).Message}");
        }

        var source = new ConfigSource(file, overrides);
        RejectUnknown(root, source);
        var reader = new Reader(root, source);

        IReadOnlyList<SubvolumeOptions> subvolumes = ReadSubvolumes(root, source);
        var snapshots = new SnapshotOptions(
            reader.AbsolutePath("snapshots", "dir"),
            reader.Retention("snapshots", "retention"));

        long chunkSize = reader.Size("spool", "chunk_size", min: 1, max: S3Limits.MaxChunkSize);
        long quota = reader.Size("spool", "quota", min: 1, max: long.MaxValue);
        if (quota < chunkSize)
        {
            throw ConfigError.At(
                source.Where("spool", "quota"),
                $"{ByteSize.Format(quota)} is smaller than one chunk (chunk_size = {ByteSize.Format(chunkSize)}); the spool must hold at least one whole chunk");
        }

        var spool = new SpoolOptions(reader.AbsolutePath("spool", "dir"), quota, chunkSize);
        var state = new StateOptions(
            reader.AbsolutePath("state", "dir"),
            reader.Text("state", "metrics_file") is { Length: > 0 } ? reader.AbsolutePath("state", "metrics_file") : string.Empty);
        var schedule = new ScheduleOptions(reader.Integer("schedule", "full_every_days", min: 1, max: 3650));

        var s3 = new S3Options(
            Bucket: reader.BucketName("s3", "bucket"),
            Region: reader.Text("s3", "region"),
            Prefix: reader.Prefix("s3", "prefix"),
            Endpoint: reader.Endpoint("s3", "endpoint"),
            StorageClassData: reader.StorageClass("s3", "storage_class_data"),
            StorageClassMetadata: reader.StorageClass("s3", "storage_class_metadata"),
            Concurrency: reader.Integer("s3", "concurrency", min: 1, max: 256),
            PartSize: reader.Size("s3", "part_size", min: S3Limits.MinPartSize, max: S3Limits.MaxPartSize),
            RequestTimeout: reader.Duration("s3", "request_timeout", TimeSpan.FromSeconds(1), TimeSpan.FromDays(1)),
            ChecksumsWhenRequiredOnly: reader.Choice("s3", "request_checksum_calculation", "when_supported", "when_required") == "when_required");
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
            reader.Duration("uploader", "give_up_after", TimeSpan.Zero, TimeSpan.FromDays(30)),
            reader.Duration("uploader", "abort_uploads_older_than", TimeSpan.Zero, TimeSpan.FromDays(365)),
            reader.Duration("uploader", "linger", TimeSpan.Zero, TimeSpan.FromDays(1)));

        var retention = new RetentionOptions(
            reader.Integer("retention", "keep_generations", min: 1, max: 1000),
            reader.Integer("retention", "min_age_days", min: 0, max: 3650));
        var prices = new PriceOptions(
            reader.Price("prices", "storage_per_gb_month"),
            reader.Price("prices", "put_per_1000"),
            reader.Integer("prices", "min_storage_days", min: 0, max: 3650),
            reader.Integer("prices", "object_overhead_kb", min: 0, max: 1024),
            reader.Price("prices", "retrieval_per_gb"),
            reader.Price("prices", "retrieval_requests_per_1000"));
        var restore = new RestoreOptions(
            reader.Choice("restore", "tier", "Bulk", "Standard", "Expedited"),
            reader.Integer("restore", "days", min: 1, max: 365),
            reader.Duration("restore", "poll_interval", TimeSpan.FromSeconds(1), TimeSpan.FromDays(1)));

        return new BackupOptions(source, subvolumes, snapshots, spool, state, schedule, s3, uploader, retention, prices, restore);
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
        foreach (IConfigurationSection entry in root.GetSection(ConfigKeys.Subvolumes).GetChildren())
        {
            string where = source.Where(ConfigKeys.Subvolumes, entry.Key);
            if (!SubvolumeName().IsMatch(entry.Key))
            {
                throw ConfigError.At(
                    where,
                    "a subvolume name takes letters, digits, '_' and '-' only, starts with a letter or digit and has at most 64 characters (it names snapshots, streams and S3 keys)");
            }

            string path = Reader.CheckAbsolute(entry.Value, where);
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

    /// <summary>Typed access to the known keys; every failure names its key.</summary>
    private sealed partial class Reader(IConfigurationRoot root, ConfigSource source)
    {
        public string Text(string section, string key)
        {
            string? value = root[$"{section}:{key}"] ?? ConfigKeys.Known[section][key];
            if (value is null)
            {
                throw ConfigError.At($"{source.File}: [{section}] {key}", "is required and has no default");
            }

            // The INI reader keeps everything after '=', so "x ; note" would silently become part of the value.
            if (InlineComment().IsMatch(value))
            {
                throw ConfigError.At(source.Where(section, key), $"\"{value}\" holds an inline comment; put comments on their own line");
            }

            return value.Trim();
        }

        public string AbsolutePath(string section, string key) => CheckAbsolute(Text(section, key), source.Where(section, key));

        public static string CheckAbsolute(string? value, string where)
        {
            if (string.IsNullOrWhiteSpace(value) || !Path.IsPathRooted(value))
            {
                throw ConfigError.At(where, $"\"{value}\" is not an absolute path");
            }

            if (InlineComment().IsMatch(value))
            {
                throw ConfigError.At(where, $"\"{value}\" holds an inline comment; put comments on their own line");
            }

            return Path.TrimEndingDirectorySeparator(Path.GetFullPath(value.Trim()));
        }

        public long Size(string section, string key, long min, long max)
        {
            string text = Text(section, key);
            long? size = ByteSize.TryParse(text);
            if (size is null)
            {
                throw ConfigError.At(source.Where(section, key), $"\"{text}\" is not a size (write e.g. 64MiB, 200GiB or plain bytes)");
            }

            if (size < min || size > max)
            {
                string range = max == long.MaxValue ? $"at least {ByteSize.Format(min)}" : $"from {ByteSize.Format(min)} to {ByteSize.Format(max)}";
                throw ConfigError.At(source.Where(section, key), $"{text} is out of range: it must be {range}");
            }

            return size.Value;
        }

        public int Integer(string section, string key, int min, int max)
        {
            string text = Text(section, key);
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value))
            {
                throw ConfigError.At(source.Where(section, key), $"\"{text}\" is not a whole number");
            }

            if (value < min || value > max)
            {
                throw ConfigError.At(source.Where(section, key), $"{value} is out of range: it must be from {min} to {max}");
            }

            return value;
        }

        public decimal Price(string section, string key)
        {
            string text = Text(section, key);
            return decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal value)
                ? value
                : throw ConfigError.At(source.Where(section, key), $"\"{text}\" is not a price (a decimal number of US dollars, e.g. 0.00099)");
        }

        public string Choice(string section, string key, params string[] choices)
        {
            string text = Text(section, key);
            return choices.Contains(text)
                ? text
                : throw ConfigError.At(source.Where(section, key), $"\"{text}\" is not one of {string.Join(", ", choices)}");
        }

        public TimeSpan Duration(string section, string key, TimeSpan min, TimeSpan max)
        {
            string text = Text(section, key);
            TimeSpan? value = Configuration.Duration.TryParse(text);
            if (value is null)
            {
                throw ConfigError.At(source.Where(section, key), $"\"{text}\" is not a duration (write e.g. 90s, 15m, 2h or 7d)");
            }

            if (value < min || value > max)
            {
                throw ConfigError.At(source.Where(section, key), $"{text} is out of range: it must be from {Configuration.Duration.Format(min)} to {Configuration.Duration.Format(max)}");
            }

            return value.Value;
        }

        public LocalRetention Retention(string section, string key)
        {
            string text = Text(section, key);
            if (text == "minimal")
            {
                return LocalRetention.Minimal;
            }

            Match match = KeepLast().Match(text);
            if (match.Success && int.TryParse(match.Groups[1].Value, CultureInfo.InvariantCulture, out int n) && n is >= 1 and <= 10_000)
            {
                return new LocalRetention(n);
            }

            throw ConfigError.At(source.Where(section, key), $"\"{text}\" is not a retention (write minimal or keep_last:N with N from 1 to 10000)");
        }

        public string StorageClass(string section, string key)
        {
            string text = Text(section, key);
            if (!S3Limits.StorageClasses.Contains(text))
            {
                throw ConfigError.At(source.Where(section, key), $"\"{text}\" is not an S3 storage class (one of {string.Join(", ", S3Limits.StorageClasses)})");
            }

            return text;
        }

        public string BucketName(string section, string key)
        {
            string text = Text(section, key);
            if (text.Length > 0 && !Bucket().IsMatch(text))
            {
                throw ConfigError.At(source.Where(section, key), $"\"{text}\" is not a valid bucket name (3 to 63 lower-case letters, digits, '.' and '-')");
            }

            return text;
        }

        public string Prefix(string section, string key)
        {
            string text = Text(section, key);
            if (text.StartsWith('/') || (text.Length > 0 && !text.EndsWith('/')) || text.Contains("//", StringComparison.Ordinal))
            {
                throw ConfigError.At(source.Where(section, key), $"\"{text}\" is not a key prefix: it must be empty or end with '/', and neither start with '/' nor hold '//'");
            }

            return text;
        }

        public string Endpoint(string section, string key)
        {
            string text = Text(section, key);
            if (text.Length > 0
                && (!Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
            {
                throw ConfigError.At(source.Where(section, key), $"\"{text}\" is not an http:// or https:// URL (leave it empty for AWS)");
            }

            return text;
        }

        [GeneratedRegex(@"\s[;#]")]
        private static partial Regex InlineComment();

        [GeneratedRegex(@"^keep_last:([0-9]+)$")]
        private static partial Regex KeepLast();

        [GeneratedRegex(@"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
        private static partial Regex Bucket();
    }
}
