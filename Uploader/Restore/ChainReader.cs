using BtrfsToS3.Shared.Publishing;

namespace BtrfsToS3.Uploader.Restore;

/// <summary>
/// The chains a restore receives, read from S3 as the pointer names them: a configured subvolume's (the generation and
/// snapshot asked for), and those of the subvolumes nested in it as they were when its last snapshot was made; each
/// manifest must follow the one before it.
/// </summary>
internal sealed class ChainReader(BackupRepository repository, S3Options s3, TimeProvider time, ILogger logger)
{
    private readonly PointerChooser _pointers = new(repository, time, logger);

    /// <summary>A configured subvolume's manifests to receive, full first, each the child of the one before; up to
    /// --until.</summary>
    public async Task<(RestoreChain Chain, DateTimeOffset? PointerWritten)> ChainAsync(
        string subvolume,
        RestoreRequest request,
        CancellationToken cancellationToken
    )
    {
        (Pointer? found, DateTimeOffset? written) = await _pointers.ChooseAsync(
            subvolume,
            request.Generation,
            request.AsOf,
            request.PointerVersion,
            cancellationToken
        );
        Pointer pointer = found
            ?? throw new BackupFailure(
                FailureKind.Unavailable,
                $"nothing of subvolume {subvolume} is published under s3://{s3.Bucket}/{s3.Prefix} (no pointer)"
            );
        PointerGeneration generation = request.Generation is null
            ? pointer.Generations[^1]
            : pointer.Generations.FirstOrDefault(g => g.Generation == request.Generation)
                ?? throw new BackupFailure(
                    FailureKind.Usage,
                    $"usage: subvolume {subvolume} has no generation {request.Generation} (it has {string.Join(", ", pointer.Generations.Select(g => g.Generation))})"
                );
        var chain = new List<Manifest>();
        foreach ((string key, string? version) in generation.Named())
        {
            chain.Add(await NextAsync(chain, key, version, cancellationToken));
            if (chain[^1].Snapshot.Name == request.Until)
            {
                return (new RestoreChain(subvolume, null, chain), written);
            }
        }

        return request.Until is null
            ? (new RestoreChain(subvolume, null, chain), written)
            : throw new BackupFailure(
                FailureKind.Usage,
                $"usage: --until {request.Until} is not a snapshot of generation {generation.Generation} (it has {string.Join(", ", chain.Select(m => m.Snapshot.Name))})"
            );
    }

    /// <summary>
    /// The chains of the subvolumes nested in a configured one when its last restored snapshot was made (its manifest
    /// lists them), each up to its last snapshot no later than that one: a run snapshots a subvolume and those nested
    /// in it together, under the same time. Nested subvolumes gone from the host before then are not in the list.
    /// </summary>
    public async Task<IReadOnlyList<RestoreChain>> NestedChainsAsync(
        RestoreChain parent,
        DateTimeOffset? asOf,
        CancellationToken cancellationToken
    )
    {
        Manifest last = parent.Manifests[^1];
        // Manifests are checked field by field when read: their snapshot names parse.
        _ = SnapshotName.TryParse(last.Snapshot.Name, out _, out DateTimeOffset until);
        var chains = new List<RestoreChain>();
        foreach (
            string path in last.NestedPaths.OrderBy(p => p.Count(c => c == '/')).ThenBy(p => p, StringComparer.Ordinal)
        )
        {
            string name = NestedName.For(parent.Subvolume, path);
            Pointer? pointer = (await _pointers.ChooseAsync(name, null, asOf, null, cancellationToken)).Pointer;
            PointerGeneration? generation = pointer?.Generations.LastOrDefault(g =>
                SnapshotTime(g.Generation) <= until
            );
            var chain = new List<Manifest>();
            foreach ((string key, string? version) in generation?.Named() ?? [])
            {
                Manifest manifest = await NextAsync(chain, key, version, cancellationToken);
                _ = SnapshotName.TryParse(manifest.Snapshot.Name, out _, out DateTimeOffset taken);
                if (taken > until)
                {
                    break;
                }

                chain.Add(manifest);
            }

            if (chain.Count == 0)
            {
                Log.NestedNotRestored(
                    logger,
                    name,
                    $"{last.Snapshot.Name} held it at {path}, but nothing of it from {until:yyyy-MM-dd HH:mm:ss} UTC or before is published"
                );
                continue;
            }

            chains.Add(new RestoreChain(name, new NestedPlace(parent.Subvolume, path), chain));
        }

        return chains;
    }

    /// <summary>
    /// Every generation the subvolume's pointer keeps, oldest first, each chain whole and checked as a restore's; none
    /// when nothing of it is published. The manifests are read together (eight at a time), then checked in chain order.
    /// </summary>
    public async Task<IReadOnlyList<RestoreChain>> GenerationsAsync(
        string subvolume,
        CancellationToken cancellationToken
    )
    {
        Pointer? pointer = (await _pointers.ChooseAsync(subvolume, null, null, null, cancellationToken)).Pointer;
        (string Key, string? Version)[] named = [.. (pointer?.Generations ?? []).SelectMany(g => g.Named())];
        Manifest?[] read = await repository.ReadNamedManifestsAsync(named, cancellationToken);

        var chains = new List<RestoreChain>();
        int next = 0;
        foreach (PointerGeneration generation in pointer?.Generations ?? [])
        {
            var chain = new List<Manifest>();
            foreach ((string key, _) in generation.Named())
            {
                chain.Add(Follow(chain, key, read[next++]));
            }

            chains.Add(new RestoreChain(subvolume, null, chain));
        }

        return chains;
    }

    private static DateTimeOffset SnapshotTime(string generation) =>
        SnapshotName.TryParse($"x.{generation}", out _, out DateTimeOffset time) ? time : DateTimeOffset.MaxValue;

    /// <summary>The manifest the pointer names (its version, in a versioned bucket), which must follow the chain so
    /// far.</summary>
    private async Task<Manifest> NextAsync(
        List<Manifest> chain,
        string key,
        string? version,
        CancellationToken cancellationToken
    )
    {
        return Follow(chain, key, await repository.ReadNamedManifestAsync(key, version, cancellationToken));
    }

    /// <summary>The manifest the pointer names at <paramref name="key"/>, which must exist and follow the chain so
    /// far.</summary>
    private static Manifest Follow(List<Manifest> chain, string key, Manifest? read)
    {
        Manifest manifest = read
            ?? throw new BackupFailure(FailureKind.BadData, $"the pointer names {key}, but there is no such manifest");
        return manifest.Parent == (chain.Count == 0 ? null : chain[^1].Snapshot)
            ? manifest
            : throw new BackupFailure(
                FailureKind.BadData,
                $"manifest {key} does not follow {(chain.Count == 0 ? "nothing" : chain[^1].Stream)}: the chain is broken"
            );
    }
}
