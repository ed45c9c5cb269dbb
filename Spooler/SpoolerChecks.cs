using BtrfsToS3.Shared.Btrfs;
using BtrfsToS3.Shared.IO;
using BtrfsToS3.Spooler.Streams;

namespace BtrfsToS3.Spooler;

/// <summary>
/// The part of configuration validation that looks at the machine: the paths exist, the spool and state directories are
/// nobody else's to change (<see cref="SharedDirectoryCheck"/>), a spool on tmpfs can hold its quota, the subvolumes
/// are subvolumes, and the snapshot directory is on their filesystem. Runs before anything is touched; every failure is
/// exit 78.
/// </summary>
internal static class SpoolerChecks
{
    public static async Task CheckAsync(
        BackupOptions options,
        BtrfsTool btrfs,
        ILogger logger,
        CancellationToken cancellationToken
    )
    {
        ConfigSource source = options.Source;
        string snapshotsWhere = source.Where("snapshots", "dir");
        RequireDirectory(options.Snapshots.Dir, snapshotsWhere);
        RequireDirectory(options.Spool.Dir, source.Where("spool", "dir"));
        RequireDirectory(options.State.Dir, source.Where("state", "dir"));
        SharedDirectoryCheck.Check(options.Spool.Dir, source.Where("spool", "dir"));
        SharedDirectoryCheck.Check(options.State.Dir, source.Where("state", "dir"));
        CheckTmpfsSpool(options.Spool, source);

        Guid snapshotsFs = FilesystemId.Of(options.Snapshots.Dir)
            ?? throw ConfigError.At(snapshotsWhere, $"{options.Snapshots.Dir} is not on a btrfs filesystem");

        foreach (SubvolumeOptions subvolume in options.Subvolumes)
        {
            string where = source.Where(ConfigKeys.Subvolumes, subvolume.Name);
            RequireDirectory(subvolume.Path, where);
            if (await btrfs.ShowAsync(subvolume.Path, cancellationToken) is null)
            {
                throw ConfigError.At(where, $"{subvolume.Path} is not a btrfs subvolume");
            }

            Guid fs = FilesystemId.Of(subvolume.Path)
                ?? throw ConfigError.At(where, $"{subvolume.Path} is not on a btrfs filesystem");
            if (fs != snapshotsFs)
            {
                throw ConfigError.At(
                    snapshotsWhere,
                    $"{options.Snapshots.Dir} is on btrfs filesystem {snapshotsFs}, but subvolume {subvolume.Name} ({subvolume.Path}) is on {fs}; snapshots must be made on the subvolumes' filesystem"
                );
            }

            if (
                options.Nested == NestedMode.Fail
                && await new NestedDiscovery(options.Snapshots, options.Nested, btrfs, logger).BackupableAsync(
                    subvolume,
                    cancellationToken
                )
                    is { Count: > 0 } nested
            )
            {
                throw ConfigError.At(
                    source.Where(ConfigKeys.Subvolumes, SubvolumeOptions.NestedKey),
                    $"fail, and subvolume {subvolume.Name} ({subvolume.Path}) holds {nested.Count} nested subvolumes a snapshot of it would leave empty: {string.Join(", ", nested.Select(n => n.Nested!.Path))}; set nested = include to back them up as chains of their own, or exclude to leave them out"
                );
            }
        }
    }

    private static void CheckTmpfsSpool(SpoolOptions spool, ConfigSource source)
    {
        if (!Posix.IsTmpfs(spool.Dir))
        {
            return;
        }

        long memTotal = SpoolMemoryCheck.MemTotal(File.ReadAllText("/proc/meminfo"));
        if (SpoolMemoryCheck.Problem(spool.Dir, spool.Quota, Posix.TotalBytes(spool.Dir), memTotal) is { } problem)
        {
            throw ConfigError.At(source.Where("spool", "quota"), problem);
        }
    }

    private static void RequireDirectory(string path, string where)
    {
        if (!Directory.Exists(path))
        {
            throw ConfigError.At(where, File.Exists(path) ? $"{path} is not a directory" : $"{path} does not exist");
        }
    }
}
