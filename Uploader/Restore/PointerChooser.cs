using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Uploader.S3;

namespace BtrfsToS3.Uploader.Restore;

/// <summary>
/// The pointer a restore starts from. By default the current one. Whoever holds the host's credentials can write a new
/// pointer version, but under Object Lock cannot remove the older ones nor the streams they name; so with <c>--as-of
/// TIME</c> the restore takes the newest version written at or before TIME whose chain to restore is whole (every
/// manifest and chunk of our layout, there as the manifests say, signed as required) and, under [s3] object_lock,
/// locked; with <c>--pointer-version ID</c>, that version. A current pointer that is not trusted (forged, unsigned, or
/// signed by a key not trusted) is passed over the same way in a versioned bucket, as with --as-of now. Each version
/// passed over is logged with why.
/// </summary>
internal sealed class PointerChooser(BackupRepository repository, TimeProvider time, ILogger logger)
{
    private readonly ChainProof _proof = new(repository, time);

    /// <summary>The pointer, and the time the version chosen was written (null for the current one).</summary>
    public async Task<(Pointer? Pointer, DateTimeOffset? WrittenAt)> ChooseAsync(
        string subvolume,
        string? generation,
        DateTimeOffset? asOf,
        string? versionId,
        CancellationToken cancellationToken
    )
    {
        if (versionId is not null)
        {
            ObjectVersion version = (
                await repository.PointerVersionsAsync(subvolume, cancellationToken)
            ).FirstOrDefault(v => v.VersionId == versionId)
                ?? throw new BackupFailure(
                    FailureKind.Usage,
                    $"usage: pointer {repository.Address(repository.PointerKey(subvolume))} has no version {versionId}"
                );
            return (
                await repository.ReadPointerVersionAsync(subvolume, versionId, cancellationToken),
                version.LastModified
            );
        }

        if (asOf is null)
        {
            BackupFailure untrusted;
            try
            {
                return (await repository.ReadPointerAsync(subvolume, cancellationToken), null);
            }
            catch (BackupFailure e) when (e.Kind == FailureKind.BadData)
            {
                untrusted = e;
            }

            // In a versioned bucket the versions before a forged or unsigned one are still there: the newest that is
            // trusted, and names a whole chain, is the restore's.
            if (!await repository.VersionedAsync(cancellationToken))
            {
                throw untrusted;
            }

            Log.PointerVersionPassedOver(logger, subvolume, "current", "now", untrusted.Message);
            asOf = time.GetUtcNow();
        }

        foreach (
            ObjectVersion version in (await repository.PointerVersionsAsync(subvolume, cancellationToken)).Where(v =>
                v.LastModified <= asOf
            )
        )
        {
            Pointer? pointer;
            string? flaw;
            try
            {
                pointer = await repository.ReadPointerVersionAsync(subvolume, version.VersionId, cancellationToken);
                flaw = pointer is null ? "it cannot be read" : await FlawAsync(pointer, generation, cancellationToken);
            }
            catch (BackupFailure e) when (e.Kind == FailureKind.BadData)
            {
                (pointer, flaw) = (null, e.Message);
            }

            if (flaw is null)
            {
                Log.PointerVersionChosen(logger, subvolume, version.VersionId, version.LastModified.ToString("O"));
                return (pointer, version.LastModified);
            }

            Log.PointerVersionPassedOver(
                logger,
                subvolume,
                version.VersionId,
                version.LastModified.ToString("O"),
                flaw
            );
        }

        throw new BackupFailure(
            FailureKind.BadData,
            $"subvolume {subvolume}: no version of pointer {repository.Address(repository.PointerKey(subvolume))} written at or before {asOf:O} names a whole{(repository.Locking ? ", locked" : string.Empty)} chain (each one passed over is logged above)"
        );
    }

    /// <summary>Why the chain the pointer would restore cannot be trusted, or null when it can.</summary>
    private async Task<string?> FlawAsync(Pointer pointer, string? generation, CancellationToken cancellationToken)
    {
        PointerGeneration? chosen = generation is null
            ? pointer.Generations is [.., PointerGeneration last]
                ? last
                : null
            : pointer.Generations.FirstOrDefault(g => g.Generation == generation);
        return chosen is null
            ? generation is null
                ? "it names no generation"
                : $"it has no generation {generation}"
            : await _proof.FlawAsync(pointer.Subvolume, chosen, forRetention: false, cancellationToken);
    }
}
