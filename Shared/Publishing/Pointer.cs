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
    IReadOnlyList<PointerGeneration> Generations) : IFormatVersioned;
