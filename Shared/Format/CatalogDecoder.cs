using BtrfsToS3.Shared.Crypto;
using BtrfsToS3.Shared.Failures;
using ZstdSharp;

namespace BtrfsToS3.Shared.Format;

/// <summary>
/// Reads a catalog's stored bytes back into its JSON lines (docs/FORMAT.md, "Catalog"): an age file where its stream
/// is encrypted, always holding zstd frames. The caller checks the stored bytes' SHA-256 against the manifest or seal
/// first; each frame's own checksum then guards the decompression.
/// </summary>
internal static class CatalogDecoder
{
    private const int BufferSize = 1024 * 1024;

    /// <summary>The catalog's lines from its stored bytes; an age header no identity opens is exit 64.</summary>
    /// <param name="name">The catalog's address or path, for the one line a failure gives.</param>
    public static Stream Open(Stream stored, bool encrypted, IReadOnlyList<AgeIdentity> identities, string name)
    {
        Stream stream = stored;
        if (encrypted)
        {
            var age = new AgeDecryptor(stored, identities);
            try
            {
                age.ReadHeader();
            }
            catch (AgeException e)
            {
                age.Dispose();
                throw new BackupFailure(FailureKind.Usage, $"catalog {name}: {e.Message}");
            }

            stream = age;
        }

        return new DecompressionStream(stream, BufferSize, checkEndOfStream: true, leaveOpen: false);
    }
}
