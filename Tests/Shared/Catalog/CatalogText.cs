using System.Globalization;
using System.Text;
using BtrfsToS3.Shared.Catalog;

namespace BtrfsToS3.Tests.Shared.Catalog;

/// <summary>
/// Hand-written catalogs: the header and the stream's <c>subvol</c> or <c>snapshot</c> before the command lines a test
/// gives, the end line after. Snapshot <c>i</c> of the chain has the UUID <see cref="Uuid"/>(i) and ctransid 100 + i.
/// </summary>
internal static class CatalogText
{
    public const string Name = "s3://bucket/data/20260101T000000Z/data.20260101T000000Z/catalog";

    public static string Uuid(int snapshot) =>
        $"00000000-0000-0000-0000-{snapshot.ToString("D12", CultureInfo.InvariantCulture)}";

    public static long Ctransid(int snapshot) => 100 + snapshot;

    public static string Stream(int snapshot) =>
        $"data.202601{(snapshot + 1).ToString("D2", CultureInfo.InvariantCulture)}T000000Z";

    public static string Header(string kind, int snapshot) =>
        $$"""{"op":"header","format_version":2,"catalog":"btrfs_to_s3 catalog","subvolume":"data","stream":"{{Stream(snapshot)}}","kind":"{{kind}}","send_protocol":2}""";

    public static string End => """{"op":"end","commands":1000,"stream_bytes":1000000000}""";

    /// <summary>The full stream's catalog (snapshot 0) around <paramref name="commands"/>.</summary>
    public static string Full(params string[] commands) =>
        Lines([
            Header("full", 0),
            $$"""{"op":"subvol","path":"{{Stream(0)}}","uuid":"{{Uuid(0)}}","ctransid":{{Ctransid(0)}}}""",
            .. commands,
            End,
        ]);

    /// <summary>The catalog of incremental <paramref name="snapshot"/>, whose parent is the snapshot before, around
    /// <paramref name="commands"/>.</summary>
    public static string Incremental(int snapshot, params string[] commands) =>
        Lines([Header("incremental", snapshot), Snapshot(snapshot), .. commands, End]);

    public static string Snapshot(int snapshot) =>
        $$"""{"op":"snapshot","path":"{{Stream(snapshot)}}","uuid":"{{Uuid(snapshot)}}","ctransid":{{Ctransid(snapshot)}},"clone_uuid":"{{Uuid(snapshot - 1)}}","clone_ctransid":{{Ctransid(snapshot - 1)}}}""";

    public static string Lines(IEnumerable<string> lines) => string.Concat(lines.Select(line => line + "\n"));

    public static CatalogReader Open(string text) =>
        CatalogReader.Open(new MemoryStream(Encoding.UTF8.GetBytes(text)), Name);

    /// <summary>Every command of the catalog, read to its end.</summary>
    public static IReadOnlyList<CatalogCommand> Commands(string text)
    {
        CatalogReader reader = Open(text);
        var commands = new List<CatalogCommand>();
        while (reader.Next() is { } command)
        {
            commands.Add(command);
        }

        return commands;
    }

    /// <summary>The chain of the catalogs replayed in order.</summary>
    public static ChainReplay Replay(params string[] catalogs)
    {
        var chain = new ChainReplay();
        foreach (string catalog in catalogs)
        {
            chain.Apply(Open(catalog));
        }

        return chain;
    }

    /// <summary>The tree of the chain's last snapshot.</summary>
    public static SnapshotTree Tree(params string[] catalogs) => Replay(catalogs).Trees[^1];
}
