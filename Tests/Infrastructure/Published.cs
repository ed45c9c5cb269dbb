using BtrfsToS3.Shared.Spool;
using BtrfsToS3.Shared.State;

namespace BtrfsToS3.Tests.Infrastructure;

/// <summary>
/// Does by hand what the uploader does when it has published a stream: records the snapshot as published (the next
/// incremental's parent) and removes the stream from the spool.
/// </summary>
internal static class Published
{
    public static void Record(BtrfsFixture fixture, Seal seal)
    {
        StateFiles.WritePublished(fixture.State, new PublishedSnapshot(
            SpoolLayout.FormatVersion,
            seal.Subvolume,
            seal.Snapshot,
            seal.Kind,
            seal.Generation,
            seal.ChainPosition,
            DateTimeOffset.UtcNow,
            $"test/{seal.Stream}/manifest.json"));
        Directory.Delete(Path.Combine(fixture.Spool, seal.Stream), recursive: true);
    }
}
