namespace BtrfsToS3.Shared.Publishing;

/// <summary>pointer.json: the commit. Readers trust only the manifests it names (docs/FORMAT.md).</summary>
internal sealed record Pointer(
    int FormatVersion,
    string Subvolume,
    string CurrentGeneration,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<PointerGeneration> Generations) : Spool.IFormatVersioned;
