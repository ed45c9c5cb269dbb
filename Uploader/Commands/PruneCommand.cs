using BtrfsToS3.Shared.IO;
using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Uploader.Publish;

namespace BtrfsToS3.Uploader.Commands;

/// <summary>
/// <c>btrfs-to-s3-uploader prune [--dry-run]</c>: applies S3 retention to every subvolume now (the uploader also does
/// after every publish), the subvolumes nested in them included, also those gone from the host. Under the uploader's lock, since it rewrites pointers.
/// </summary>
internal static class PruneCommand
{
    public static async Task<int> RunAsync(BackupRepository repository, BackupOptions options, bool dryRun, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        using FileLock uploaderLock = new SpoolDirectory(options.Spool.Dir).LockUploader();
        var pruner = new GenerationPruner(repository, options.Retention, time, logger);
        foreach (SubvolumeOptions subvolume in options.Subvolumes)
        {
            await pruner.PruneAsync(subvolume.Name, dryRun, cancellationToken).ConfigureAwait(false);
            foreach (Pointer nested in await repository.NestedPointersAsync(subvolume.Name, cancellationToken).ConfigureAwait(false))
            {
                await pruner.PruneAsync(nested.Subvolume, dryRun, cancellationToken).ConfigureAwait(false);
            }
        }

        return ExitCodes.Ok;
    }
}
