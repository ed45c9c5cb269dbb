using BtrfsToS3.Shared.Publishing;
using ZstdSharp;

namespace BtrfsToS3.Uploader.Restore;

/// <summary>
/// Reads a downloaded, verified chunk back into the stream bytes it holds, as its manifest says it was written: as is,
/// or as zstd frames (docs/FORMAT.md, "Chunk encoding"). A manifest that names an encoding this version does not read
/// is refused before anything is thawed or downloaded (<see cref="Problem"/>).
/// </summary>
internal static class ChunkDecoder
{
    private const int BufferSize = 1024 * 1024;

    /// <summary>Why chunks of this manifest cannot be decoded here, or null.</summary>
    public static string? Problem(Manifest manifest) =>
        ChunkCompression.TryParse(manifest.Compression) is null
            ? $"restore: stream {manifest.Stream} is compressed as \"{manifest.Compression}\", which this version does not read; restore it with a newer btrfs_to_s3; nothing was thawed or downloaded"
            : null;

    /// <summary>The stream bytes of the chunk file at <paramref name="path"/>.</summary>
    public static Stream Open(string path, Manifest manifest)
    {
        Stream file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.SequentialScan);
        return ChunkCompression.TryParse(manifest.Compression) is { IsNone: false }
            ? new DecompressionStream(file, BufferSize, checkEndOfStream: true, leaveOpen: false)
            : file;
    }
}
