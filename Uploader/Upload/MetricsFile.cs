using System.Globalization;
using System.Text;
using BtrfsToS3.Shared.IO;
using BtrfsToS3.Shared.State;

namespace BtrfsToS3.Uploader.Upload;

/// <summary>
/// The node_exporter textfile metrics, rewritten atomically after each uploader run so a collector never reads half a
/// file. World-readable on purpose: the collector runs as another user, and nothing in it is secret.
/// </summary>
internal static class MetricsFile
{
    private const string LastSuccess = "btrfs_to_s3_last_success_timestamp_seconds";
    private const UnixFileMode Readable =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public static void Write(
        BackupOptions options,
        SpoolDirectory spool,
        int exitCode,
        long bytes,
        double seconds,
        DateTimeOffset now
    )
    {
        if (options.State.MetricsFile.Length == 0)
        {
            return;
        }

        // A failed run keeps the time of the last good one, which is what an alert on staleness needs.
        long lastSuccess = exitCode == 0 ? now.ToUnixTimeSeconds() : PreviousLastSuccess(options.State.MetricsFile);
        var text = new StringBuilder();
        Gauge(text, "btrfs_to_s3_run_timestamp_seconds", "End of the last uploader run.", now.ToUnixTimeSeconds());
        Gauge(
            text,
            "btrfs_to_s3_run_exit_code",
            "Exit code of the last uploader run (README.md lists them).",
            exitCode
        );
        Gauge(text, LastSuccess, "End of the last uploader run that exited 0.", lastSuccess);
        Gauge(text, "btrfs_to_s3_run_bytes", "Bytes uploaded and verified by the last run.", bytes);
        Gauge(text, "btrfs_to_s3_run_duration_seconds", "Duration of the last run.", seconds);
        Gauge(
            text,
            "btrfs_to_s3_spool_bytes",
            "Bytes in the spool after the last run.",
            Directory.Exists(spool.Dir) ? spool.Bytes() : 0
        );
        text.Append(
            "# HELP btrfs_to_s3_published_timestamp_seconds When the subvolume's last stream was published.\n# TYPE btrfs_to_s3_published_timestamp_seconds gauge\n"
        );
        var chain = new StringBuilder(
            "# HELP btrfs_to_s3_chain_position Chain position of the last published stream (0: a full).\n# TYPE btrfs_to_s3_chain_position gauge\n"
        );
        foreach (
            string subvolume in options.Subvolumes.SelectMany(s => StateFiles.PublishedIn(options.State.Dir, s.Name))
        )
        {
            PublishedSnapshot? published = Read(options.State.Dir, subvolume);
            if (published is not null)
            {
                text.Append(
                    CultureInfo.InvariantCulture,
                    $"btrfs_to_s3_published_timestamp_seconds{{subvolume=\"{subvolume}\"}} {published.PublishedAt.ToUnixTimeSeconds()}\n"
                );
                chain.Append(
                    CultureInfo.InvariantCulture,
                    $"btrfs_to_s3_chain_position{{subvolume=\"{subvolume}\"}} {published.ChainPosition}\n"
                );
            }
        }

        text.Append(chain);
        AtomicFile.Write(options.State.MetricsFile, Encoding.UTF8.GetBytes(text.ToString()), overwrite: true, Readable);
    }

    private static void Gauge(StringBuilder text, string name, string help, double value) =>
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}\n");

    private static long PreviousLastSuccess(string path)
    {
        string? line = File.Exists(path)
            ? File.ReadLines(path).FirstOrDefault(l => l.StartsWith(LastSuccess + " ", StringComparison.Ordinal))
            : null;
        return
            line is not null
            && long.TryParse(line[(LastSuccess.Length + 1)..], CultureInfo.InvariantCulture, out long value)
            ? value
            : 0;
    }

    private static PublishedSnapshot? Read(string stateDir, string subvolume)
    {
        try
        {
            return StateFiles.ReadPublished(stateDir, subvolume);
        }
        catch (Shared.Failures.BackupFailure)
        {
            return null;
        }
    }
}
