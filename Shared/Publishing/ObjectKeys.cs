namespace BtrfsToS3.Shared.Publishing;

/// <summary>
/// S3 keys, a function of the prefix, subvolume, generation, stream and chunk names only (docs/FORMAT.md, "S3 layout"),
/// so that a chunk sent again after a crash lands on the same key.
/// </summary>
internal static class ObjectKeys
{
    public const string PointerName = "pointer.json";
    public const string ManifestName = "manifest.json";

    /// <summary>A fresh key for <c>check</c>'s write, read and delete test, under the prefix beside the subvolumes' folders.</summary>
    public static string Probe(string prefix) => $"{prefix}btrfs_to_s3-check-{Guid.NewGuid():N}";

    /// <summary>The subvolume's folder: its pointer and its generation folders.</summary>
    public static string Subvolume(string prefix, string subvolume) => $"{prefix}{subvolume}/";

    public static string Pointer(string prefix, string subvolume) => Subvolume(prefix, subvolume) + PointerName;

    public static string Generation(string prefix, string subvolume, string generation) => $"{Subvolume(prefix, subvolume)}{generation}/";

    public static string StreamFolder(string prefix, string subvolume, string generation, string stream) =>
        $"{Generation(prefix, subvolume, generation)}{stream}/";

    public static string Chunk(string prefix, string subvolume, string generation, string stream, string chunkName) =>
        StreamFolder(prefix, subvolume, generation, stream) + chunkName;

    public static string Manifest(string prefix, string subvolume, string generation, string stream) =>
        StreamFolder(prefix, subvolume, generation, stream) + ManifestName;
}
