using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Uploader.S3;

namespace BtrfsToS3.Uploader.Repository;

/// <summary>
/// Proves a generation a pointer names whole, from S3 itself: every manifest there (the version named), readable and
/// signed as the repository's <see cref="SignaturePolicy"/> requires, each chunk it names one of the generation's, there
/// with its size and checksums, and under [s3] object_lock still locked. What a restore starts from (<c>--as-of</c>) and
/// what prune keeps before it deletes anything older are proven the same way.
/// </summary>
internal sealed class ChainProof(BackupRepository repository, TimeProvider time)
{
    /// <summary>Why the generation cannot be trusted whole, or null when it can.</summary>
    public async Task<string?> FlawAsync(string subvolume, PointerGeneration generation, CancellationToken cancellationToken)
    {
        DateTimeOffset now = time.GetUtcNow();
        foreach ((string key, string? version) in generation.Named())
        {
            if (repository.GenerationOf(subvolume, key) != generation.Generation)
            {
                return $"it names {key}, which is not a manifest of generation {generation.Generation}";
            }

            Manifest? manifest;
            try
            {
                manifest = await repository.ReadNamedManifestAsync(key, version, cancellationToken).ConfigureAwait(false);
            }
            catch (BackupFailure e) when (e.Kind == FailureKind.BadData)
            {
                return e.Message;
            }

            if (manifest is null)
            {
                return $"its manifest {key} is missing";
            }

            foreach (ManifestChunk chunk in manifest.Chunks)
            {
                ObjectHead? head = await repository.HeadAsync(chunk.Key, chunk.Version, cancellationToken).ConfigureAwait(false);
                if (head is null || !chunk.Identity.IsStoredAs(head.Size, head.Etag, head.Crc32))
                {
                    return $"chunk {chunk.Key} is {(head is null ? "missing" : $"{head}, not {chunk.Identity}")}";
                }

                if (repository.Locking && (head.Lock is null || head.Lock.RetainUntil < now))
                {
                    return $"chunk {chunk.Key} is not locked ([s3] object_lock)";
                }
            }
        }

        return null;
    }
}
