using BtrfsToS3.Shared.Format;
using BtrfsToS3.Shared.Spool;
using Microsoft.Extensions.Configuration;

namespace BtrfsToS3.Shared.Configuration;

/// <summary>
/// Reads the INI file, lays the command-line overrides over it, rejects unknown sections and keys, and hands each
/// section to its options record, which checks its own keys; all before anything is touched. The first problem found
/// ends the load with one line that names the key, where it came from and what is wrong.
/// </summary>
internal static class ConfigLoader
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

        // Section by section in a fixed order (btrfs_to_s3.ini's), so that of several mistakes the same one is
        // reported; [spool] comes before [s3], whose part size is checked against the chunk size.
        IReadOnlyList<SubvolumeOptions> subvolumes = SubvolumeOptions.ReadAll(Section(ConfigKeys.Subvolumes));
        NestedMode nested = SubvolumeOptions.ReadNested(Section(ConfigKeys.Subvolumes));
        SnapshotOptions snapshots = SnapshotOptions.Read(Section("snapshots"));
        BtrfsOptions btrfs = BtrfsOptions.Read(Section("btrfs"));
        EncryptionOptions encryption = EncryptionOptions.Read(Section("encryption"));
        SpoolOptions spool = SpoolOptions.Read(Section("spool"), encryption.On);
        StateOptions state = StateOptions.Read(Section("state"));
        ScheduleOptions schedule = ScheduleOptions.Read(Section("schedule"));
        S3Options s3 = S3Options.Read(
            Section("s3"),
            ChunkEncoding.StoredBound(spool.ChunkSize, encryption.On || !spool.Compression.IsNone)
        );
        UploaderOptions uploader = UploaderOptions.Read(Section("uploader"));
        RetentionOptions retention = RetentionOptions.Read(Section("retention"));
        PriceOptions prices = PriceOptions.Read(Section("prices"));
        RestoreOptions restore = RestoreOptions.Read(Section("restore"), s3.StorageClassData);
        NotifyOptions notify = NotifyOptions.Read(Section("notify"));

        return new BackupOptions(
            source,
            subvolumes,
            nested,
            snapshots,
            spool,
            state,
            schedule,
            s3,
            uploader,
            retention,
            prices,
            restore,
            btrfs,
            encryption,
            notify
        );
    }

    /// <summary>
    /// [notify] alone, for reporting that a service failed: that failure may be a mistake elsewhere in the file, which
    /// must not also silence the report of it. The file must still exist and parse, and [notify] itself be right.
    /// </summary>
    public static NotifyOptions LoadNotify(string path, IReadOnlyDictionary<string, string> overrides)
    {
        string file = Path.GetFullPath(path);
        return NotifyOptions.Read(
            new ConfigSection(Read(file, overrides), new ConfigSource(file, overrides), "notify")
        );
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
        catch (Exception e)
            when (e is FormatException or InvalidDataException or IOException or UnauthorizedAccessException)
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
                string where = source.Overrides.Keys.Any(k =>
                    k.StartsWith(section.Key + ":", StringComparison.OrdinalIgnoreCase)
                )
                    ? "command line"
                    : source.File;
                throw ConfigError.At(
                    where,
                    $"unknown section [{section.Key}] (known: {string.Join(", ", ConfigKeys.Known.Keys.Select(k => $"[{k}]"))})"
                );
            }

            foreach (IConfigurationSection key in section.GetChildren())
            {
                if (!keys.ContainsKey(key.Key) || key.Value is null)
                {
                    throw ConfigError.At(
                        source.Where(section.Key, key.Key),
                        $"unknown key (keys of [{section.Key}]: {string.Join(", ", keys.Keys)})"
                    );
                }
            }
        }
    }
}
