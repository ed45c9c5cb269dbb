using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Uploader.S3;

namespace BtrfsToS3.Uploader.Commands;

/// <summary>
/// <c>btrfs-to-s3-uploader verify</c>: HEADs every chunk of every chain the pointers name (nested subvolumes' too) and
/// compares its size and ETag with the manifest, downloading nothing; what is missing or different is listed, and the
/// exit code is 65. A pointer or manifest that names a key not of our layout (a tampered or foreign pointer) is listed
/// too, and under [s3] object_lock every manifest and chunk must be locked at least until retention could delete its
/// generation.
/// </summary>
internal static class VerifyCommand
{
    public static async Task<int> RunAsync(
        BackupRepository repository,
        IReadOnlyList<SubvolumeOptions> subvolumes,
        TextWriter output,
        CancellationToken cancellationToken
    )
    {
        int checkedChunks = 0;
        long bytes = 0;
        var problems = new List<string>();
        var names = new List<string>();
        foreach (SubvolumeOptions subvolume in subvolumes)
        {
            names.Add(subvolume.Name);
            names.AddRange(
                (await repository.NestedPointersAsync(subvolume.Name, cancellationToken)).Select(p => p.Subvolume)
            );
        }

        foreach (string name in names)
        {
            Pointer? pointer = await repository.ReadPointerAsync(name, cancellationToken);
            if (pointer is null)
            {
                output.WriteLine($"{name}: nothing published");
                continue;
            }

            foreach (PointerGeneration generation in pointer.Generations)
            {
                var manifests = new List<(Manifest Manifest, string Key, string? Version)>();
                var heads = new Dictionary<string, ObjectHead?>(StringComparer.Ordinal);
                foreach ((string key, string? version) in generation.Named())
                {
                    // Only keys of our layout in this generation are read at all: a pointer naming others is not ours.
                    if (repository.GenerationOf(name, key) != generation.Generation)
                    {
                        problems.Add(
                            $"{key}: named by the pointer of {name} in generation {generation.Generation}, but not a manifest of it (a pointer written by someone else?)"
                        );
                        continue;
                    }

                    Manifest? manifest = await repository.ReadNamedManifestAsync(key, version, cancellationToken);
                    if (manifest is null)
                    {
                        problems.Add(
                            $"{key}{(version is null ? string.Empty : $" version {version}")}: named by the pointer, missing"
                        );
                        continue;
                    }

                    manifests.Add((manifest, key, version));
                    foreach (ManifestChunk chunk in manifest.Chunks)
                    {
                        checkedChunks++;
                        bytes += chunk.Size;
                        if (
                            repository.GenerationOf(name, chunk.Key) != generation.Generation
                            || !chunk.Key.StartsWith(key[..^ObjectKeys.ManifestName.Length], StringComparison.Ordinal)
                        )
                        {
                            problems.Add($"{chunk.Key}: named by manifest {key}, but not a chunk of its stream");
                            continue;
                        }

                        // The version the manifest names: what was written over the key since is not the backup's.
                        ObjectHead? head = await repository.HeadAsync(chunk.Key, chunk.Version, cancellationToken);
                        heads[chunk.Key] = head;
                        if (head is null)
                        {
                            problems.Add(
                                $"{chunk.Key}{(chunk.Version is null ? string.Empty : $" version {chunk.Version}")}: missing"
                            );
                        }
                        else if (!chunk.Identity.IsStoredAs(head.Size, head.Etag, head.Crc32))
                        {
                            problems.Add($"{chunk.Key}: {head}; the manifest says {chunk.Identity}");
                        }
                    }
                }

                if (
                    manifests.Count > 0
                    && repository.LockNeeded(generation.Generation, manifests.Max(m => m.Manifest.PublishedAt))
                        is { } needed
                )
                {
                    foreach (
                        (string key, string? version) in manifests.SelectMany(m =>
                            m.Manifest.Chunks.Select(c => (c.Key, c.Version)).Append((m.Key, m.Version))
                        )
                    )
                    {
                        ObjectHead? head = heads.TryGetValue(key, out ObjectHead? chunkHead)
                            ? chunkHead
                            : await repository.HeadAsync(key, version, cancellationToken);
                        if (head is not null && (head.Lock is null || head.Lock.RetainUntil < needed))
                        {
                            problems.Add(
                                $"{key}: {(head.Lock is null ? "not locked" : $"locked ({head.Lock.Mode}) only until {head.Lock.RetainUntil:O}")}, but retention may delete its generation only from {needed:O} ([s3] object_lock)"
                            );
                        }
                    }
                }
            }

            output.WriteLine(
                $"{name}: {pointer.Generations.Sum(g => g.Manifests.Count)} manifests in {pointer.Generations.Count} generations checked"
            );
        }

        foreach (string problem in problems)
        {
            output.WriteLine($"BAD {problem}");
        }

        output.WriteLine(
            $"{checkedChunks} chunks ({ByteSize.Human(bytes)}) checked by size and ETag{(repository.Locking ? ", and every object for its Object Lock" : string.Empty)}, {problems.Count} problems"
        );
        return problems.Count == 0 ? ExitCodes.Ok : ExitCodes.DataError;
    }
}
