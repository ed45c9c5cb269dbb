using BtrfsToS3.Shared.Publishing;

namespace BtrfsToS3.Uploader.Restore;

/// <summary>
/// One subvolume's chain to receive, full first: a configured subvolume's (Nested null), or a nested one's, which is
/// put back at its place in the configured one's tree once received.
/// </summary>
internal sealed record RestoreChain(string Subvolume, NestedPlace? Nested, IReadOnlyList<Manifest> Manifests);
