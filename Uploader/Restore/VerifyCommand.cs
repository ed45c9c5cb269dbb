using Amazon.S3;
using Amazon.S3.Model;
using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.Hashing;
using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Shared.Spool;
using BtrfsToS3.Uploader.S3;

namespace BtrfsToS3.Uploader.Restore;

/// <summary>
/// <c>btrfs-to-s3-uploader verify</c>: HEADs every chunk of every chain the pointers name and compares its size and
/// ETag with the manifest, downloading nothing; what is missing or different is listed, and the exit code is 65.
/// </summary>
internal static class VerifyCommand
{
    public static async Task<int> RunAsync(IAmazonS3 s3, BackupOptions options, S3Objects objects, TextWriter output, CancellationToken cancellationToken)
    {
        int checkedChunks = 0;
        long bytes = 0;
        var problems = new List<string>();
        foreach (SubvolumeOptions subvolume in options.Subvolumes)
        {
            Pointer? pointer = await objects.GetAsync(ObjectKeys.Pointer(options.S3.Prefix, subvolume.Name), FormatJson.Default.Pointer, p => p.FormatVersion, cancellationToken).ConfigureAwait(false);
            if (pointer is null)
            {
                output.WriteLine($"{subvolume.Name}: nothing published");
                continue;
            }

            foreach (string key in pointer.Generations.SelectMany(g => g.Manifests))
            {
                Manifest? manifest = await objects.GetAsync(key, FormatJson.Default.Manifest, m => m.FormatVersion, cancellationToken).ConfigureAwait(false);
                if (manifest is null)
                {
                    problems.Add($"{key}: named by the pointer, missing");
                    continue;
                }

                foreach (ManifestChunk chunk in manifest.Chunks)
                {
                    checkedChunks++;
                    bytes += chunk.Size;
                    try
                    {
                        GetObjectMetadataResponse head = await s3.GetObjectMetadataAsync(options.S3.Bucket, chunk.Key, cancellationToken).ConfigureAwait(false);
                        if (head.ContentLength != chunk.Size || S3Etag.Normalize(head.ETag ?? string.Empty) != chunk.Etag)
                        {
                            problems.Add($"{chunk.Key}: {head.ContentLength} bytes, ETag {S3Etag.Normalize(head.ETag ?? string.Empty)}; the manifest says {chunk.Size} bytes, ETag {chunk.Etag}");
                        }
                    }
                    catch (AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
                    {
                        problems.Add($"{chunk.Key}: missing");
                    }
                }
            }

            output.WriteLine($"{subvolume.Name}: {pointer.Generations.Sum(g => g.Manifests.Count)} manifests in {pointer.Generations.Count} generations checked");
        }

        foreach (string problem in problems)
        {
            output.WriteLine($"BAD {problem}");
        }

        output.WriteLine($"{checkedChunks} chunks ({ByteSize.Human(bytes)}) checked by size and ETag, {problems.Count} problems");
        return problems.Count == 0 ? ExitCodes.Ok : ExitCodes.DataError;
    }
}
