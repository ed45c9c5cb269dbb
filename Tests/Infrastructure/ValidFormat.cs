using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using BtrfsToS3.Shared.Format;
using BtrfsToS3.Shared.Hashing;
using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Shared.Spool;

namespace BtrfsToS3.Tests.Infrastructure;

/// <summary>
/// Values of the grammar docs/FORMAT.md gives, for unit tests that make up format objects: a reader refuses anything
/// else (<see cref="FieldCheck"/>), so made-up manifests and pointers must be well formed to be read at all.
/// </summary>
internal static class ValidFormat
{
    /// <summary>The [s3] prefix unit tests' repositories use.</summary>
    public const string Prefix = "backup/";

    /// <summary>A UUID that differs by <paramref name="n"/>.</summary>
    public static string Uuid(int n) => $"00000000-0000-4000-8000-{n.ToString("x12", CultureInfo.InvariantCulture)}";

    /// <summary>A SHA-256 in lower-case hex that differs by <paramref name="seed"/>.</summary>
    public static string Sha256(string seed) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(seed)));

    /// <summary>
    /// The chunks of a plain stream of <paramref name="totalBytes"/> at the keys its names make, each chunk_size but
    /// the last, with hashes of the right form and an ETag of the part count part_size gives.
    /// </summary>
    public static IReadOnlyList<ManifestChunk> Chunks(StreamFacts stream, long totalBytes, string prefix = Prefix)
    {
        var chunks = new List<ManifestChunk>();
        for (int i = 0; (long)i * stream.ChunkSize < totalBytes; i++)
        {
            long size = Math.Min(stream.ChunkSize, totalBytes - ((long)i * stream.ChunkSize));
            int parts = PartSizing.PartCount(size, stream.PartSize);
            string md5 = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes($"{stream.Stream}/{i}")));
            chunks.Add(
                new ManifestChunk(
                    i,
                    ObjectKeys.Chunk(
                        prefix,
                        stream.Subvolume,
                        stream.Generation,
                        stream.Stream,
                        FormatGrammar.ChunkName(i)
                    ),
                    size,
                    size,
                    Sha256($"{stream.Stream}/{i}"),
                    parts == 1 ? md5 : $"{md5}-{parts}",
                    "AAAAAA=="
                )
            );
        }

        return chunks;
    }
}
