using BtrfsToS3.Shared.Format;
using BtrfsToS3.Shared.Spool;

namespace BtrfsToS3.Shared.Publishing;

/// <summary>
/// pointer.json: the commit. Readers trust only the manifests it names (docs/FORMAT.md). Nested says, for a nested
/// subvolume, which configured subvolume it lies in and where, so that a restore puts it back in its place. Owner is
/// the source whose streams it names: no other may publish to it, or prune it, unless told to take it over.
/// </summary>
internal sealed record Pointer(
    int FormatVersion,
    string Subvolume,
    NestedPlace? Nested,
    SourceRef Owner,
    string CurrentGeneration,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<PointerGeneration> Generations
) : IFormatVersioned
{
    /// <summary>The most generations a pointer names: one every day for twenty years, far beyond any
    /// schedule.</summary>
    public const int MaxGenerations = 10_000;

    /// <summary>The most manifests a generation names: a stream every hour for more than ten years.</summary>
    public const int MaxManifests = 100_000;

    /// <summary>
    /// Its subvolume and place, its owner, and its generations: named as UTC times, in order, the last the current one;
    /// each a chain of manifests of this subvolume, the full first (named after the generation), in the order their
    /// snapshots were taken, each key the one its names make, with as many versions as manifests where versions are
    /// given.
    /// </summary>
    public void Validate(FieldCheck check)
    {
        check.Subvolume(Subvolume, Nested);
        check.Source(Owner, "owner");
        check.List(Generations, "generations", MaxGenerations);
        check.That(Generations.Count >= 1, "generations", Generations.Count, "must name at least one generation");
        for (int g = 0; g < Generations.Count; g++)
        {
            PointerGeneration generation = Generations[g];
            string field = $"generations[{g}]";
            check.Text(
                generation.Generation,
                $"{field}.generation",
                FormatGrammar.Generation,
                "is not a generation (a UTC time such as 20261125T020000Z)"
            );
            check.That(
                g == 0 || string.CompareOrdinal(generation.Generation, Generations[g - 1].Generation) > 0,
                $"{field}.generation",
                generation.Generation,
                "does not come after the generation before it"
            );
            check.List(generation.Manifests, $"{field}.manifests", MaxManifests);
            check.That(
                generation.Manifests.Count >= 1,
                $"{field}.manifests",
                generation.Manifests.Count,
                "must name the generation's full at least"
            );
            check.That(
                generation.ManifestVersions is null || generation.ManifestVersions.Count == generation.Manifests.Count,
                $"{field}.manifest_versions",
                generation.ManifestVersions?.Count,
                $"must be as many as the {generation.Manifests.Count} manifests"
            );
            DateTimeOffset previous = DateTimeOffset.MinValue;
            for (int m = 0; m < generation.Manifests.Count; m++)
            {
                string key = generation.Manifests[m];
                string stream = StreamOf(key);
                check.That(
                    SnapshotName.TryParse(stream, out string of, out DateTimeOffset taken)
                        && of == Subvolume
                        && taken > previous
                        && (m > 0 || SnapshotName.Generation(stream) == generation.Generation),
                    $"{field}.manifests[{m}]",
                    key,
                    m == 0
                        ? $"is not the manifest of the full of generation {generation.Generation}"
                        : "is not the manifest of a later snapshot of the subvolume than the one before it"
                );
                check.Key(
                    key,
                    $"{field}.manifests[{m}]",
                    ObjectKeys.Manifest(string.Empty, Subvolume, generation.Generation, stream)
                );
                previous = taken;
                check.That(
                    generation.VersionOf(m) is not { } version || FormatGrammar.S3Id(version),
                    $"{field}.manifest_versions[{m}]",
                    generation.VersionOf(m),
                    "is not an S3 version id"
                );
            }
        }

        check.That(
            CurrentGeneration == Generations[^1].Generation,
            "current_generation",
            CurrentGeneration,
            "is not the last of generations"
        );
    }

    /// <summary>The stream folder a manifest key names (the part before <c>/manifest.json</c>), or empty.</summary>
    private static string StreamOf(string key)
    {
        string[] parts = key.Split('/');
        return parts.Length >= 2 && parts[^1] == ObjectKeys.ManifestName ? parts[^2] : string.Empty;
    }
}
