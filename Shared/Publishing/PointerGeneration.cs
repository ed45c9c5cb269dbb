namespace BtrfsToS3.Shared.Publishing;

/// <summary>
/// A generation as the pointer names it: its manifests in chain order, the full first, without gaps; in a versioned
/// bucket, beside each the version of its key the pointer means (null where the bucket keeps none).
/// </summary>
internal sealed record PointerGeneration(
    string Generation,
    IReadOnlyList<string> Manifests,
    IReadOnlyList<string?>? ManifestVersions = null
)
{
    /// <summary>The version of the manifest at <paramref name="index"/> the pointer names; null for the current
    /// one.</summary>
    public string? VersionOf(int index) =>
        ManifestVersions is { } versions && index < versions.Count ? versions[index] : null;

    /// <summary>Each manifest with its version, in chain order.</summary>
    public IEnumerable<(string Key, string? Version)> Named() => Manifests.Select((key, i) => (key, VersionOf(i)));

    /// <summary>The generation with one more manifest at the end of its chain.</summary>
    public PointerGeneration Append(string key, string? version) =>
        new(
            Generation,
            [.. Manifests, key],
            ManifestVersions is null && version is null ? null : [.. Manifests.Select((_, i) => VersionOf(i)), version]
        );
}
