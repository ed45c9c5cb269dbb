using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Uploader.S3;

namespace BtrfsToS3.Uploader.Repository;

/// <summary>
/// Proves a generation a pointer names whole, from S3 itself: every manifest there (the version named), readable and
/// signed as the repository's <see cref="SignaturePolicy"/> requires, each chunk it names there with its size and
/// checksums and, under [s3] object_lock, locked. What a restore starts from (<c>--as-of</c>) and what prune keeps
/// before it deletes anything older are proven the same way; they differ only in how long a lock must still hold.
/// </summary>
internal sealed class ChainProof(BackupRepository repository, TimeProvider time)
{
    /// <summary>Why the generation cannot be trusted whole, or null when it can.</summary>
    /// <param name="forRetention">
    /// False for a restore: every object still locked now. True for prune: locked as long as retention needs the
    /// generation (docs/FORMAT.md, "Object Lock"), which asks nothing of a generation retention could delete already.
    /// </param>
    public async Task<string?> FlawAsync(
        string subvolume,
        PointerGeneration generation,
        bool forRetention,
        CancellationToken cancellationToken
    )
    {
        var manifests = new List<(string Key, string? Version, Manifest Manifest)>();
        foreach ((string key, string? version) in generation.Named())
        {
            if (repository.GenerationOf(subvolume, key) != generation.Generation)
            {
                return $"it names {key}, which is not a manifest of generation {generation.Generation}";
            }

            try
            {
                if (await repository.ReadNamedManifestAsync(key, version, cancellationToken) is not { } manifest)
                {
                    return $"its manifest {key} is missing";
                }

                manifests.Add((key, version, manifest));
            }
            catch (BackupFailure e) when (e.Kind == FailureKind.BadData)
            {
                return e.Message;
            }
        }

        DateTimeOffset now = time.GetUtcNow();
        DateTimeOffset? lockedUntil =
            !repository.Locking ? null
            : !forRetention ? now
            : repository.LockNeeded(generation.Generation, manifests.Max(m => m.Manifest.PublishedAt)) is { } needed
            && needed > now
                ? needed
            : null;
        foreach ((string key, string? version, Manifest manifest) in manifests)
        {
            foreach (ManifestChunk chunk in manifest.Chunks)
            {
                ObjectHead? head = await repository.HeadAsync(chunk.Key, chunk.Version, cancellationToken);
                if (head is null || !chunk.Identity.IsStoredAs(head.Size, head.Etag, head.Crc32))
                {
                    return $"chunk {chunk.Key} is {(head is null ? "missing" : $"{head}, not {chunk.Identity}")}";
                }

                if (lockedUntil is { } until && (head.Lock is null || head.Lock.RetainUntil < until))
                {
                    return $"chunk {chunk.Key} is {(head.Lock is null ? "not locked" : $"locked only until {head.Lock.RetainUntil:O}")}, but must be until {until:O} ([s3] object_lock)";
                }
            }
        }

        return null;
    }
}
