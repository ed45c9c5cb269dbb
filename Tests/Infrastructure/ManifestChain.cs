using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Format;
using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Shared.Spool;

namespace BtrfsToS3.Tests.Infrastructure;

/// <summary>A generation's manifests made up for unit tests of what is read from them: a full, then incrementals, each
/// of a size and at a time.</summary>
internal static class ManifestChain
{
    public static readonly DateTimeOffset Start = new(2026, 1, 4, 2, 0, 0, TimeSpan.Zero);

    /// <param name="subvolume">Whose chain.</param>
    /// <param name="streams">Each stream's bytes and its snapshot's time in days after <see cref="Start"/>, the full
    /// first.</param>
    public static IReadOnlyList<Manifest> Of(string subvolume, params (long Bytes, double Day)[] streams)
    {
        string generation = SnapshotName.Generation(SnapshotName.Format(subvolume, Start.AddDays(streams[0].Day)));
        var chain = new List<Manifest>();
        for (int i = 0; i < streams.Length; i++)
        {
            string name = SnapshotName.Format(subvolume, Start.AddDays(streams[i].Day));
            var header = new StreamHeader
            {
                FormatVersion = FormatJson.Version,
                Stream = name,
                Subvolume = subvolume,
                Nested = null,
                NestedPaths = [],
                Kind = i == 0 ? StreamKind.Full : StreamKind.Incremental,
                Source = new SourceRef("0f1e2d3c-0000-4000-8000-000000000001", "5a6b7c8d-0000-4000-8000-000000000002"),
                Snapshot = new SnapshotRef(name, ValidFormat.Uuid(i)),
                Parent = i == 0 ? null : chain[i - 1].Snapshot,
                Generation = generation,
                ChainPosition = i,
                ChunkSize = 200 * ByteSize.GiB,
                PartSize = 64 * ByteSize.MiB,
                SendCommand = ["btrfs", "send", name],
                CreatedAt = Start,
            };
            Seal seal = Seal.Of(
                header,
                [],
                streams[i].Bytes,
                ValidFormat.Sha256(name),
                "btrfs-progs v6.2",
                "6.1",
                Start,
                Start
            );
            chain.Add(
                Manifest.Of(
                    seal,
                    i == 0 ? null : ObjectKeys.Manifest(ValidFormat.Prefix, subvolume, generation, chain[i - 1].Stream),
                    Start,
                    "DEEP_ARCHIVE",
                    ValidFormat.Chunks(header, streams[i].Bytes)
                )
            );
        }

        return chain;
    }
}
