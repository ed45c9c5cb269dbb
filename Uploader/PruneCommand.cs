using Amazon.S3;
using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.IO;
using BtrfsToS3.Shared.Spool;
using BtrfsToS3.Uploader.Publish;
using BtrfsToS3.Uploader.S3;
using Microsoft.Extensions.Logging;

namespace BtrfsToS3.Uploader;

/// <summary>
/// <c>btrfs-to-s3-uploader prune [--dry-run]</c>: applies S3 retention to every subvolume now (the uploader also does
/// after publishing a full). Under the uploader's lock, since it rewrites pointers.
/// </summary>
internal static class PruneCommand
{
    public static async Task<int> RunAsync(IAmazonS3 s3, BackupOptions options, bool dryRun, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        using FileLock uploaderLock = FileLock.Acquire(Path.Combine(options.Spool.Dir, SpoolLayout.UploaderLock), "uploader");
        var objects = new S3Objects(s3, options.S3.Bucket, new OutageGuard(options.Uploader.GiveUpAfter, options.S3.Bucket, time, logger));
        var pruner = new GenerationPruner(s3, options, objects, time, logger);
        foreach (SubvolumeOptions subvolume in options.Subvolumes)
        {
            await pruner.PruneAsync(subvolume.Name, dryRun, cancellationToken).ConfigureAwait(false);
        }

        return ExitCodes.Ok;
    }
}
