using BtrfsToS3.Shared.Crypto;
using BtrfsToS3.Shared.Format;
using BtrfsToS3.Shared.IO;
using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Uploader.Restore;

namespace BtrfsToS3.Uploader.Commands;

/// <summary>
/// <c>btrfs-to-s3-uploader restore</c>: follows the subvolume's pointer to its chain (a generation, up to a snapshot),
/// checks before anything is thawed that it can be received and decoded, thaws what is archived, and receives each
/// stream in order (<see cref="StreamReceiver"/>), then puts the tree back as the host had it. A stream already
/// received (same received UUID) is skipped, so an interrupted restore resumes.
/// </summary>
internal sealed class RestoreCommand(
    BackupRepository repository,
    BackupOptions options,
    TimeProvider time,
    ILogger logger
)
{
    private readonly SpoolDirectory _spool = new(options.Spool.Dir);
    private readonly ChainReader _chains = new(repository, options.S3, time, logger);

    public async Task<int> RunAsync(RestoreRequest request, CancellationToken cancellationToken)
    {
        if (request.LastOnly && !request.DumpOnly)
        {
            throw new BackupFailure(
                FailureKind.Usage,
                "usage: --last goes with --dump: an incremental stream alone cannot be received, only dumped"
            );
        }

        using FileLock restoreLock = _spool.LockRestore();
        IReadOnlyList<RestoreChain> chains = await ChainsAsync(request, cancellationToken);
        string? target = request.DumpOnly ? null : request.Target;
        if (!request.DumpOnly && !request.RequestOnly && (target is null || !Directory.Exists(target)))
        {
            throw new BackupFailure(
                FailureKind.Usage,
                $"usage: restore needs --target, an existing directory on a btrfs filesystem (got \"{request.Target}\")"
            );
        }

        IReadOnlyList<Manifest> all = [.. chains.SelectMany(c => c.Manifests)];
        await RestoreChecks.CheckReceiveAsync(all, cancellationToken);
        RestoreChecks.CheckNoDowngrade(all, request, options, repository);
        IReadOnlyList<AgeIdentity> identities = RestoreChecks.ReadIdentities(request.Identity);
        if (
            all.Select(m => ChunkDecoder.Problem(m, identities, request.Identity)).FirstOrDefault(p => p is not null) is
            { } undecodable
        )
        {
            throw new BackupFailure(FailureKind.Usage, undecodable);
        }

        var receiver = new StreamReceiver(repository, options, identities, logger);

        // Only what is still to receive is thawed: a rerun after the full was received must not pay for its thaw again.
        var toReceive = new List<Manifest>();
        foreach (Manifest manifest in all)
        {
            if (
                target is null
                || !Directory.Exists(target)
                || !await receiver.AlreadyReceivedAsync(target, manifest, cancellationToken)
            )
            {
                toReceive.Add(manifest);
            }
        }

        if (!await new ThawWaiter(repository, options, time, logger).ThawAsync(toReceive, request, cancellationToken))
        {
            return ExitCodes.Ok;
        }

        var placer = new TreePlacer(logger);
        foreach (RestoreChain chain in chains)
        {
            foreach (Manifest manifest in chain.Manifests)
            {
                if (target is not null && await receiver.AlreadyReceivedAsync(target, manifest, cancellationToken))
                {
                    Log.StreamAlreadyReceived(logger, manifest.Stream);
                    continue;
                }

                await receiver.ReceiveAsync(manifest, target, cancellationToken);
            }

            if (target is not null)
            {
                await placer.PutInPlaceAsync(target, chain, cancellationToken);
            }
        }

        return ExitCodes.Ok;
    }

    /// <summary>Each subvolume's chain, and (unless --no-nested) those nested in it; with --last, the newest stream
    /// alone.</summary>
    private async Task<IReadOnlyList<RestoreChain>> ChainsAsync(
        RestoreRequest request,
        CancellationToken cancellationToken
    )
    {
        var chains = new List<RestoreChain>();
        foreach (string subvolume in request.Subvolumes)
        {
            (RestoreChain chain, DateTimeOffset? pointerWritten) = await _chains.ChainAsync(
                subvolume,
                request,
                cancellationToken
            );
            if (request.LastOnly)
            {
                chains.Add(chain with { Manifests = [chain.Manifests[^1]] });
                continue;
            }

            chains.Add(chain);
            if (!request.NoNested)
            {
                // Nested subvolumes' pointers as they were when the configured one's was written, when that is older.
                chains.AddRange(
                    await _chains.NestedChainsAsync(chain, request.AsOf ?? pointerWritten, cancellationToken)
                );
            }
        }

        return chains;
    }
}
