using BtrfsToS3.Shared.Catalog;
using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Uploader.Repository;
using BtrfsToS3.Uploader.Restore;

namespace BtrfsToS3.Uploader.Catalog;

/// <summary>
/// Turns chains read from S3 (as a restore reads them: pointer, then each manifest, signed and in order) into their
/// snapshots' trees, replaying each stream's catalog (<see cref="ChainReplay"/>); reads no chunk.
/// </summary>
internal sealed class CatalogLoader(BackupRepository repository, CatalogCache cache, ChainReader chains)
{
    /// <summary>Catalogs downloaded at once: small objects, so a few connections hide the round trips.</summary>
    private const int CatalogDownloads = 8;

    /// <summary>Every generation of the subvolume the pointer keeps, oldest first, replayed.</summary>
    public async Task<IReadOnlyList<CatalogChain>> GenerationsAsync(
        string subvolume,
        CancellationToken cancellationToken
    )
    {
        IReadOnlyList<RestoreChain> generations = await chains.GenerationsAsync(subvolume, cancellationToken);
        if (generations.Count == 0)
        {
            throw new BackupFailure(
                FailureKind.Unavailable,
                $"nothing of subvolume {subvolume} is published under {repository.Address(string.Empty)} (no pointer)"
            );
        }

        var replayed = new List<CatalogChain>(generations.Count);
        foreach (RestoreChain generation in generations)
        {
            replayed.Add(await ReplayAsync(subvolume, generation.Manifests, null, cancellationToken));
        }

        return replayed;
    }

    /// <summary>The chain's trees up to <paramref name="until"/> (a snapshot's name; all where null).</summary>
    public async Task<CatalogChain> ReplayAsync(
        string subvolume,
        IReadOnlyList<Manifest> manifests,
        string? until,
        CancellationToken cancellationToken
    )
    {
        // The catalogs to replay come down a few at a time first: each is a round trip, and a chain holds dozens.
        Manifest[] needed =
        [
            .. manifests
                .TakeWhile(m => m.Catalog is not null)
                .Take(until is null ? int.MaxValue : manifests.TakeWhile(m => m.Stream != until).Count() + 1),
        ];
        await Parallel.ForEachAsync(
            needed,
            new ParallelOptions { MaxDegreeOfParallelism = CatalogDownloads, CancellationToken = cancellationToken },
            async (manifest, ct) => await cache.FetchAsync(manifest, ct)
        );

        var replay = new ChainReplay();
        foreach (Manifest manifest in manifests)
        {
            if (manifest.Catalog is null)
            {
                return new CatalogChain(subvolume, manifests, replay.Trees, manifest.Stream);
            }

            await using Stream lines = await cache.OpenAsync(manifest, cancellationToken);
            SnapshotTree tree = replay.Apply(CatalogReader.Open(lines, repository.Address(manifest.Catalog.Key)));
            if (tree.StreamName != manifest.Stream)
            {
                throw new BackupFailure(
                    FailureKind.BadData,
                    $"catalog {repository.Address(manifest.Catalog.Key)}: stream \"{tree.StreamName}\", but its manifest's is {manifest.Stream}"
                );
            }

            if (manifest.Stream == until)
            {
                break;
            }
        }

        return new CatalogChain(subvolume, manifests, replay.Trees, null);
    }
}
