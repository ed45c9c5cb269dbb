using System.Text.RegularExpressions;
using BtrfsToS3.Shared.Spool;

namespace BtrfsToS3.Shared.Publishing;

/// <summary>
/// S3 keys, a function of the prefix, subvolume, generation, stream and chunk names only (docs/FORMAT.md, "S3 layout"),
/// so that a chunk sent again after a crash lands on the same key.
/// </summary>
internal static partial class ObjectKeys
{
    public const string PointerName = "pointer.json";
    public const string ManifestName = "manifest.json";
    public const string CatalogName = "catalog";

    /// <summary>A fresh key for <c>check</c>'s write, read and delete test, under the prefix beside the subvolumes'
    /// folders.</summary>
    public static string Probe(string prefix) => $"{prefix}btrfs_to_s3-check-{Guid.NewGuid():N}";

    /// <summary>The subvolume's folder: its pointer and its generation folders.</summary>
    public static string Subvolume(string prefix, string subvolume) => $"{prefix}{subvolume}/";

    public static string Pointer(string prefix, string subvolume) => Subvolume(prefix, subvolume) + PointerName;

    public static string Generation(string prefix, string subvolume, string generation) =>
        $"{Subvolume(prefix, subvolume)}{generation}/";

    public static string StreamFolder(string prefix, string subvolume, string generation, string stream) =>
        $"{Generation(prefix, subvolume, generation)}{stream}/";

    public static string Chunk(string prefix, string subvolume, string generation, string stream, string chunkName) =>
        StreamFolder(prefix, subvolume, generation, stream) + chunkName;

    public static string Manifest(string prefix, string subvolume, string generation, string stream) =>
        StreamFolder(prefix, subvolume, generation, stream) + ManifestName;

    public static string Catalog(string prefix, string subvolume, string generation, string stream) =>
        StreamFolder(prefix, subvolume, generation, stream) + CatalogName;

    /// <summary>
    /// The generation a key of the subvolume's folder belongs to, when the key is exactly one of ours:
    /// <c>&lt;generation&gt;/&lt;subvolume&gt;.&lt;time&gt;/manifest.json</c>, <c>…/catalog</c> or
    /// <c>…/chunk-NNNNNN</c>, the generation a UTC time. Null for anything else (the pointer, or an object someone else
    /// put there): retention deletes only what this names, so that nothing that is not ours is ever deleted.
    /// </summary>
    public static string? GenerationOf(string prefix, string subvolume, string key)
    {
        string folder = Subvolume(prefix, subvolume);
        if (!key.StartsWith(folder, StringComparison.Ordinal))
        {
            return null;
        }

        Match match = OurKey().Match(key[folder.Length..]);
        return
            match.Success
            && SnapshotName.TryParse(match.Groups["stream"].Value, out string streamSubvolume, out _)
            && streamSubvolume == subvolume
            && SnapshotName.TryParse($"{subvolume}.{match.Groups["generation"].Value}", out _, out _)
            ? match.Groups["generation"].Value
            : null;
    }

    /// <summary>True when the key under the prefix is a manifest, catalog or chunk of ours
    /// (<see cref="GenerationOf"/>).</summary>
    public static bool IsOurs(string prefix, string key) =>
        key.StartsWith(prefix, StringComparison.Ordinal)
        && key.IndexOf('/', prefix.Length) is > 0 and int slash
        && GenerationOf(prefix, key[prefix.Length..slash], key) is not null;

    [GeneratedRegex(@"^(?<generation>[0-9]{8}T[0-9]{6}Z)/(?<stream>[^/]+)/(manifest\.json|catalog|chunk-[0-9]{6})$")]
    private static partial Regex OurKey();
}
