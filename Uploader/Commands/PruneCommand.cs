using BtrfsToS3.Shared.Btrfs;
using BtrfsToS3.Shared.IO;
using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Uploader.Publish;

namespace BtrfsToS3.Uploader.Commands;

/// <summary>
/// <c>btrfs-to-s3-uploader prune [--dry-run]</c>: applies S3 retention to every subvolume now (the uploader also does
/// after every publish), the subvolumes nested in them included, also those gone from the host. Under the uploader's
/// lock, since it rewrites pointers; only pointers this host's filesystems own.
/// </summary>
internal static class PruneCommand
{
    public static async Task<int> RunAsync(
        BackupRepository repository,
        BackupOptions options,
        bool dryRun,
        TimeProvider time,
        ILogger logger,
        CancellationToken cancellationToken
    )
    {
        using FileLock uploaderLock = new SpoolDirectory(options.Spool.Dir).LockUploader();
        var pruner = new GenerationPruner(repository, options.Retention, time, logger);
        foreach (SubvolumeOptions subvolume in options.Subvolumes)
        {
            // Nested subvolumes live on their configured one's filesystem, which must be this host's to prune them.
            string filesystem = FilesystemId.Of(subvolume.Path)?.ToString()
                ?? throw new BackupFailure(
                    FailureKind.Config,
                    $"prune: subvolume {subvolume.Name}: {subvolume.Path} is not on a btrfs filesystem here, so this host cannot show that the pointers it would prune are its own; run prune on the host that backs it up"
                );
            await pruner.PruneAsync(subvolume.Name, filesystem, dryRun, cancellationToken);
            foreach (Pointer nested in await repository.NestedPointersAsync(subvolume.Name, cancellationToken))
            {
                await pruner.PruneAsync(nested.Subvolume, filesystem, dryRun, cancellationToken);
            }
        }

        return ExitCodes.Ok;
    }
}
