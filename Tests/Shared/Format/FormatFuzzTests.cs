using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using BtrfsToS3.Shared.Configuration;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.Format;
using BtrfsToS3.Shared.IO;
using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Shared.Spool;
using BtrfsToS3.Shared.State;
using BtrfsToS3.Tests.Infrastructure;
using CsCheck;

namespace BtrfsToS3.Tests.Shared.Format;

/// <summary>
/// Property tests over what a stranger can put in a pointer, manifest, spool record or configuration value: whatever it
/// is, reading it ends in a value of the grammar or in bad data (or a configuration error), never in an internal error
/// (exit 70); and no name read from it makes a path outside the directory it is joined to. CI runs a few thousand cases
/// from fixed seeds; scripts/fuzz.sh runs as many as it is told, from a new seed (BTRFS_TO_S3_FUZZ_ITER, _SEED).
/// </summary>
[TestClass]
public sealed class FormatFuzzTests
{
    /// <summary>Cases per test: few in CI, many in scripts/fuzz.sh.</summary>
    private static readonly int Iterations = int.TryParse(
        Environment.GetEnvironmentVariable("BTRFS_TO_S3_FUZZ_ITER"),
        out int n
    )
        ? n
        : 3000;

    /// <summary>
    /// The fixed seed of CI; scripts/fuzz.sh's, or with <c>random</c> a new one each run (CsCheck prints the seed of
    /// any case that fails, to run it again).
    /// </summary>
    private static readonly string? Seed = Environment.GetEnvironmentVariable("BTRFS_TO_S3_FUZZ_SEED") switch
    {
        null => "0000000001Kx",
        "random" => null,
        string given => given,
    };

    private static readonly Manifest Incremental = ManifestChain.Of("data", (30 * ByteSize.GiB, 0), (ByteSize.GiB, 7))[
        1
    ];

    /// <summary>Values a hostile writer would try: names that are paths, extremes, wrong types, control
    /// characters.</summary>
    private static readonly Gen<JsonNode?> Hostile = Gen.OneOf(
        Gen.OneOf<JsonNode?>(
            null,
            "..",
            "../../etc",
            "/",
            "/srv/data/data",
            "",
            ".",
            "a//b",
            "data/../..",
            "chunk-000000/..",
            "\0",
            "\n",
            "\u001b[31m",
            "data.20261125T020000Z/../x",
            "backup/../../x",
            "ed25519:",
            "sha256:",
            "age1",
            "AGE-SECRET-KEY-1",
            new string('a', 5000),
            0,
            -1,
            1,
            int.MaxValue,
            long.MaxValue,
            long.MinValue,
            1e308,
            true,
            false
        ),
        Gen.String.Select(s => (JsonNode?)s),
        Gen.Long.Select(l => (JsonNode?)l),
        Gen.Int[-3, 3]
            .Select(i => (JsonNode?)new JsonArray(Enumerable.Repeat<JsonNode?>(null, Math.Max(i, 0)).ToArray())),
        Gen.Const(() => (JsonNode?)new JsonObject())
    );

    [TestMethod]
    public void Parse_AnyManifestAStrangerWrites_IsReadOrBadDataNeverAnInternalError() =>
        Fuzz(
            JsonSerializer.SerializeToUtf8Bytes(Incremental, FormatJson.Default.Manifest),
            FormatJson.Default.Manifest,
            m => [m.Stream, m.Snapshot.Name, m.Subvolume, .. m.NestedPaths]
        );

    [TestMethod]
    public void Parse_AnyPointerAStrangerWrites_IsReadOrBadDataNeverAnInternalError()
    {
        var pointer = new Pointer(
            FormatJson.Version,
            "data",
            null,
            Incremental.Source,
            Incremental.Generation,
            DateTimeOffset.UnixEpoch,
            [
                new PointerGeneration(
                    Incremental.Generation,
                    [
                        ObjectKeys.Manifest(
                            ValidFormat.Prefix,
                            "data",
                            Incremental.Generation,
                            $"data.{Incremental.Generation}"
                        ),
                        ObjectKeys.Manifest(ValidFormat.Prefix, "data", Incremental.Generation, Incremental.Stream),
                    ],
                    ["v1", null]
                ),
            ]
        );
        Fuzz(JsonSerializer.SerializeToUtf8Bytes(pointer, FormatJson.Default.Pointer), FormatJson.Default.Pointer, p =>
            [p.Subvolume, .. p.Generations.Select(g => g.Generation)]
        );
    }

    [TestMethod]
    public void Parse_AnySealAStrangerWrites_IsReadOrBadDataNeverAnInternalError()
    {
        var record = new ChunkRecord(
            FormatJson.Version,
            0,
            "chunk-000000",
            1000,
            1000,
            ValidFormat.Sha256("c"),
            "y/Q5Jg==",
            5 * ByteSize.MiB,
            [new PartRecord("9b2cf535f27731c974343645a3985328", "y/Q5Jg==")],
            "9b2cf535f27731c974343645a3985328"
        );
        var header = new StreamHeader
        {
            FormatVersion = FormatJson.Version,
            Stream = Incremental.Stream,
            Subvolume = "data",
            Nested = null,
            NestedPaths = ["images/100"],
            Kind = StreamKind.Incremental,
            Source = Incremental.Source,
            Snapshot = Incremental.Snapshot,
            Parent = Incremental.Parent,
            Generation = Incremental.Generation,
            ChainPosition = 1,
            ChunkSize = 1000,
            PartSize = 5 * ByteSize.MiB,
            SendCommand = ["btrfs", "send", "-p", "/s/p", "/s/s"],
            CreatedAt = DateTimeOffset.UnixEpoch,
        };
        Seal seal = Seal.Of(
            header,
            [record],
            1000,
            ValidFormat.Sha256("s"),
            "btrfs-progs v6.2",
            "6.1",
            DateTimeOffset.UnixEpoch,
            DateTimeOffset.UnixEpoch
        );
        Fuzz(JsonSerializer.SerializeToUtf8Bytes(seal, FormatJson.Default.Seal), FormatJson.Default.Seal, s =>
            [s.Stream, .. s.NestedPaths, .. s.Chunks.Select(c => c.Name)]
        );
        Fuzz(
            JsonSerializer.SerializeToUtf8Bytes(header, FormatJson.Default.StreamHeader),
            FormatJson.Default.StreamHeader,
            h => [h.Stream, h.Snapshot.Name, h.Parent?.Name ?? "x", .. h.NestedPaths]
        );
    }

    [TestMethod]
    public void Parse_AnySpoolRecordAStrangerWrites_IsReadOrBadDataNeverAnInternalError()
    {
        string key = ObjectKeys.Chunk(
            ValidFormat.Prefix,
            "data",
            Incremental.Generation,
            Incremental.Stream,
            "chunk-000000"
        );
        Fuzz(
            JsonSerializer.SerializeToUtf8Bytes(
                new UploadedRecord(
                    FormatJson.Version,
                    0,
                    "chunk-000000",
                    key,
                    1000,
                    ValidFormat.Sha256("c"),
                    "9b2cf535f27731c974343645a3985328",
                    "y/Q5Jg==",
                    "DEEP_ARCHIVE",
                    DateTimeOffset.UnixEpoch,
                    1,
                    0,
                    false,
                    "v1"
                ),
                FormatJson.Default.UploadedRecord
            ),
            FormatJson.Default.UploadedRecord,
            u => [u.Name]
        );
        Fuzz(
            JsonSerializer.SerializeToUtf8Bytes(
                new UploadRecord(FormatJson.Version, 0, key, "upload-1", DateTimeOffset.UnixEpoch, [1, 2]),
                FormatJson.Default.UploadRecord
            ),
            FormatJson.Default.UploadRecord,
            _ => []
        );
        Fuzz(
            JsonSerializer.SerializeToUtf8Bytes(
                new HeldRecord(FormatJson.Version, "chunk-000000", 1, "BadDigest", DateTimeOffset.UnixEpoch),
                FormatJson.Default.HeldRecord
            ),
            FormatJson.Default.HeldRecord,
            h => [h.Chunk]
        );
        Fuzz(
            JsonSerializer.SerializeToUtf8Bytes(
                new PublishedSnapshot(
                    FormatJson.Version,
                    "data",
                    Incremental.Snapshot,
                    StreamKind.Incremental,
                    Incremental.Generation,
                    1,
                    DateTimeOffset.UnixEpoch,
                    ObjectKeys.Manifest(ValidFormat.Prefix, "data", Incremental.Generation, Incremental.Stream)
                ),
                FormatJson.Default.PublishedSnapshot
            ),
            FormatJson.Default.PublishedSnapshot,
            p => [p.Snapshot.Name]
        );
    }

    [TestMethod]
    public void Load_AnyValueOfAnyKey_IsReadOrAConfigurationErrorNeverAnInternalError()
    {
        string config = SourceTree.File("btrfs_to_s3.ini");
        Gen<(string Key, string Value)> gen =
            from section in Gen.OneOf([.. ConfigKeys.Known.Where(s => s.Key != ConfigKeys.Subvolumes)])
            from key in Gen.OneOf([.. section.Value.Keys])
            from value in Gen.OneOf(
                Gen.String,
                Gen.OneOf("../x/", "200000", new string('9', 200_000), "1e999", "-1", "0", "1.5TiB", "auto", "∞", "\0")
            )
            select ($"{section.Key}:{key}", value);

        gen.Sample(
            o =>
            {
                try
                {
                    ConfigLoader.Load(config, new Dictionary<string, string> { [o.Key] = o.Value });
                }
                catch (BackupFailure e) when (e.Kind is FailureKind.Config or FailureKind.Usage) { }
            },
            seed: Seed,
            iter: Iterations / 3,
            threads: 1
        );
    }

    /// <summary>
    /// Changes one node of the object (a value replaced, a property removed or added) and reads it back: bad data, or
    /// an object each of whose names joins under a directory without leaving it.
    /// </summary>
    private static void Fuzz<T>(byte[] valid, JsonTypeInfo<T> type, Func<T, IEnumerable<string>> names)
        where T : IFormatVersioned
    {
        FormatJson.Parse(valid, type, "valid", ValidFormat.Prefix);
        Gen<(int Node, int Change, JsonNode? Value)> gen = Gen.Select(Gen.Int[0, 10_000], Gen.Int[0, 2], Hostile);
        gen.Sample(
            c =>
            {
                JsonNode root = JsonNode.Parse(valid)!;
                Mutate(root, c.Node, c.Change, c.Value);
                T read;
                try
                {
                    read = FormatJson.Parse(
                        Encoding.UTF8.GetBytes(root.ToJsonString()),
                        type,
                        "fuzz",
                        ValidFormat.Prefix
                    );
                }
                catch (BackupFailure e) when (e.Kind == FailureKind.BadData)
                {
                    return;
                }

                foreach (string name in names(read))
                {
                    string joined = ContainedPath.Join("/nonexistent-root", name, "fuzz");
                    Assert.StartsWith("/nonexistent-root/", joined);
                }
            },
            seed: Seed,
            iter: Iterations,
            threads: 1,
            print: c => $"node {c.Node}, change {c.Change}, value {c.Value?.ToJsonString() ?? "null"}"
        );
    }

    /// <summary>Node <paramref name="index"/> (in document order, modulo their count) replaced, removed, or given a
    /// sibling.</summary>
    private static void Mutate(JsonNode root, int index, int change, JsonNode? value)
    {
        List<JsonNode> nodes = [];
        void Walk(JsonNode node)
        {
            nodes.Add(node);
            IEnumerable<JsonNode?> children = node switch
            {
                JsonObject o => o.Select(p => p.Value),
                JsonArray a => a,
                _ => [],
            };
            foreach (JsonNode? child in children)
            {
                if (child is not null)
                {
                    Walk(child);
                }
            }
        }

        Walk(root);
        JsonNode target = nodes[index % nodes.Count];
        JsonNode? copy = value?.DeepClone();
        switch (target.Parent, change)
        {
            case (JsonObject parent, 0):
                parent[target.GetPropertyName()] = copy;
                break;
            case (JsonObject parent, 1):
                parent.Remove(target.GetPropertyName());
                break;
            case (JsonArray array, 0):
                array[target.GetElementIndex()] = copy;
                break;
            case (JsonArray array, 1):
                array.RemoveAt(target.GetElementIndex());
                break;
            case (JsonArray array, _):
                array.Add(copy);
                break;
            default:
                if (target is JsonObject o)
                {
                    o["extra"] = copy;
                }

                break;
        }
    }
}
