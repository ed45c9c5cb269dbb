namespace BtrfsToS3.Shared.Publishing;

/// <summary>A generation as the pointer names it: its manifests in chain order, the full first, without gaps.</summary>
internal sealed record PointerGeneration(string Generation, IReadOnlyList<string> Manifests);
