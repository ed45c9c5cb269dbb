using System.Security.Cryptography;
using System.Text.Json;
using BtrfsToS3.Shared.Format;
using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Shared.Spool;
using BtrfsToS3.Shared.State;

namespace BtrfsToS3.Tests.Infrastructure;

/// <summary>What is published, seen the way a reader must see it: from the pointer only.</summary>
internal static class Published
{
    /// <summary>
    /// Does by hand what the uploader does when it has published a stream: records the snapshot as published (the next
    /// incremental's parent) and removes the stream from the spool.
    /// </summary>
    public static void Record(BtrfsFixture fixture, Seal seal)
    {
        StateFiles.WritePublished(
            fixture.State,
            new PublishedSnapshot(
                FormatJson.Version,
                seal.Subvolume,
                seal.Snapshot,
                seal.Kind,
                seal.Generation,
                seal.ChainPosition,
                DateTimeOffset.UtcNow,
                ObjectKeys.Manifest("backup/", seal.Subvolume, seal.Generation, seal.Stream)
            )
        );
        Directory.Delete(Path.Combine(fixture.Spool, seal.Stream), recursive: true);
    }

    public static Pointer? ReadPointer(LocalS3 s3, string subvolume, string prefix = "backup/")
    {
        string key = ObjectKeys.Pointer(prefix, subvolume);
        return s3.Exists(key) ? JsonSerializer.Deserialize(s3.Get(key), FormatJson.Default.Pointer) : null;
    }

    public static Manifest ReadManifest(LocalS3 s3, string key) =>
        JsonSerializer.Deserialize(s3.Get(key), FormatJson.Default.Manifest)!;

    /// <summary>
    /// Fails unless every manifest the pointer names is there, every chunk it names is there with its size, ETag and
    /// SHA-256, and each generation's chain runs from a full without gaps.
    /// </summary>
    public static void AssertPointerNamesOnlyCompleteStreams(LocalS3 s3, string subvolume)
    {
        Pointer? pointer = ReadPointer(s3, subvolume);
        if (pointer is null)
        {
            return;
        }

        Assert.AreEqual(pointer.Generations[^1].Generation, pointer.CurrentGeneration);
        foreach (PointerGeneration generation in pointer.Generations)
        {
            Assert.AreEqual(
                generation.Manifests.Count,
                generation.Manifests.Distinct().Count(),
                "a manifest is named twice"
            );
            Manifest? previous = null;
            foreach (string key in generation.Manifests)
            {
                Manifest manifest = ReadManifest(s3, key);
                Assert.AreEqual(previous is null ? StreamKind.Full : StreamKind.Incremental, manifest.Kind, key);
                Assert.AreEqual(previous?.Snapshot, manifest.Parent, $"{key} does not follow its parent");
                foreach (ManifestChunk chunk in manifest.Chunks)
                {
                    var head = s3.Client.GetObjectMetadataAsync(s3.Bucket, chunk.Key).GetAwaiter().GetResult();
                    Assert.AreEqual(chunk.Size, head.ContentLength, chunk.Key);
                    Assert.AreEqual(chunk.Etag, head.ETag.Trim('"'), chunk.Key);
                }

                previous = manifest;
            }
        }
    }

    /// <summary>
    /// Fails if S3 holds a generation folder the pointer does not name: one that retention should have deleted (or
    /// finished deleting after a crash), which nobody could restore from and which would be billed for ever.
    /// </summary>
    public static void AssertNoUnnamedGeneration(LocalS3 s3, string subvolume, string prefix = "backup/")
    {
        Pointer? pointer = ReadPointer(s3, subvolume, prefix);
        var named = pointer?.Generations.Select(g => g.Generation).ToHashSet(StringComparer.Ordinal) ?? [];
        string root = $"{prefix}{subvolume}/";
        foreach (string key in s3.List(root).Select(o => o.Key))
        {
            string rest = key[root.Length..];
            if (rest.Contains('/', StringComparison.Ordinal))
            {
                Assert.Contains(
                    rest[..rest.IndexOf('/', StringComparison.Ordinal)],
                    named,
                    $"{key} lies in a generation the pointer does not name"
                );
            }
        }
    }

    /// <summary>Downloads one manifest's chunks, checks each SHA-256 and the stream's, and writes the stream to a
    /// file.</summary>
    public static string DownloadStream(LocalS3 s3, Manifest manifest, string directory)
    {
        string file = Path.Combine(directory, manifest.Stream + ".stream");
        using var whole = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using (FileStream output = File.Create(file))
        {
            foreach (ManifestChunk chunk in manifest.Chunks.OrderBy(c => c.Index))
            {
                byte[] bytes = s3.Get(chunk.Key);
                Assert.AreEqual(chunk.Sha256, Convert.ToHexStringLower(SHA256.HashData(bytes)), chunk.Key);
                whole.AppendData(bytes);
                output.Write(bytes);
            }
        }

        Assert.AreEqual(manifest.Sha256, Convert.ToHexStringLower(whole.GetHashAndReset()), manifest.Stream);
        return file;
    }
}
