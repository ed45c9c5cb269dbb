using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Uploader.S3;

namespace BtrfsToS3.Uploader.Commands;

/// <summary>
/// <c>btrfs-to-s3-uploader verify</c>: HEADs every chunk of every chain the pointers name (nested subvolumes' too) and compares its size and
/// ETag with the manifest, downloading nothing; what is missing or different is listed, and the exit code is 65.
/// </summary>
internal static class VerifyCommand
{
    public static async Task<int> RunAsync(BackupRepository repository, IReadOnlyList<SubvolumeOptions> subvolumes, TextWriter output, CancellationToken cancellationToken)
    {
        int checkedChunks = 0;
        long bytes = 0;
        var problems = new List<string>();
        var names = new List<string>();
        foreach (SubvolumeOptions subvolume in subvolumes)
        {
            names.Add(subvolume.Name);
            names.AddRange((await repository.NestedPointersAsync(subvolume.Name, cancellationToken).ConfigureAwait(false)).Select(p => p.Subvolume));
        }

        foreach (string name in names)
        {
            Pointer? pointer = await repository.ReadPointerAsync(name, cancellationToken).ConfigureAwait(false);
            if (pointer is null)
            {
                output.WriteLine($"{name}: nothing published");
                continue;
            }

            foreach (string key in pointer.Generations.SelectMany(g => g.Manifests))
            {
                Manifest? manifest = await repository.ReadManifestAsync(key, cancellationToken).ConfigureAwait(false);
                if (manifest is null)
                {
                    problems.Add($"{key}: named by the pointer, missing");
                    continue;
                }

                foreach (ManifestChunk chunk in manifest.Chunks)
                {
                    checkedChunks++;
                    bytes += chunk.Size;
                    ObjectHead? head = await repository.HeadAsync(chunk.Key, cancellationToken).ConfigureAwait(false);
                    if (head is null)
                    {
                        problems.Add($"{chunk.Key}: missing");
                    }
                    else if (!chunk.Identity.IsStoredAs(head.Size, head.Etag, head.Crc32))
                    {
                        problems.Add($"{chunk.Key}: {head}; the manifest says {chunk.Identity}");
                    }
                }
            }

            output.WriteLine($"{name}: {pointer.Generations.Sum(g => g.Manifests.Count)} manifests in {pointer.Generations.Count} generations checked");
        }

        foreach (string problem in problems)
        {
            output.WriteLine($"BAD {problem}");
        }

        output.WriteLine($"{checkedChunks} chunks ({ByteSize.Human(bytes)}) checked by size and ETag, {problems.Count} problems");
        return problems.Count == 0 ? ExitCodes.Ok : ExitCodes.DataError;
    }
}
