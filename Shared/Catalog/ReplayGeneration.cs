namespace BtrfsToS3.Shared.Catalog;

/// <summary>
/// The stamp of one stream's replay. Every node a replay makes (an inode, a map's node, a page of the inode table)
/// carries the stamp of the stream that made it; the next stream's replay copies a node the first time it changes it,
/// so a published tree shares every node it did not change and is never written. Frozen when its tree is published:
/// a write to a node of a frozen stamp is a bug, and throws rather than silently change a published tree.
/// </summary>
internal sealed class ReplayGeneration(int stream)
{
    /// <summary>The stream's index in its chain: 0 for the full, then each incremental.</summary>
    public int Stream => stream;

    public bool Frozen { get; private set; }

    public void Freeze() => Frozen = true;

    public void AssertOpen()
    {
        if (Frozen)
        {
            throw new InvalidOperationException($"a write to the published tree of stream {stream}");
        }
    }
}
