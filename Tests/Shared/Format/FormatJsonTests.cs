using System.Text;
using System.Text.Json;
using BtrfsToS3.Shared.Cli;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.Format;
using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Shared.Spool;
using BtrfsToS3.Tests.Infrastructure;

namespace BtrfsToS3.Tests.Shared.Format;

[TestClass]
public sealed class FormatJsonTests
{
    private static readonly StreamHeader Header = new()
    {
        FormatVersion = FormatJson.Version,
        Stream = "data.20261202T020000Z",
        Subvolume = "data",
        Nested = null,
        NestedPaths = ["var/lib/vm-100-disk-0"],
        Kind = StreamKind.Incremental,
        Source = new SourceRef("0f1e2d3c-0000-4000-8000-000000000001", "5a6b7c8d-0000-4000-8000-000000000002"),
        Snapshot = new SnapshotRef("data.20261202T020000Z", ValidFormat.Uuid(2)),
        Parent = new SnapshotRef("data.20261125T020000Z", ValidFormat.Uuid(1)),
        Generation = "20261125T020000Z",
        ChainPosition = 1,
        ChunkSize = 1024,
        PartSize = 5 * 1024 * 1024,
        SendCommand = ["btrfs", "send", "-p", "/s/data.20261125T020000Z", "/s/data.20261202T020000Z"],
        CreatedAt = new DateTimeOffset(2026, 12, 2, 2, 0, 1, TimeSpan.Zero),
    };

    /// <summary>The one part's MD5, and so the chunk's ETag (a single PUT).</summary>
    private const string PartMd5 = "9b2cf535f27731c974343645a3985328";

    private static readonly ChunkRecord Chunk = new(
        FormatJson.Version,
        0,
        "chunk-000000",
        1000,
        1000,
        ValidFormat.Sha256("chunk"),
        "y/Q5Jg==",
        5 * 1024 * 1024,
        [new PartRecord(PartMd5, "y/Q5Jg==")],
        PartMd5
    );

    [TestMethod]
    public void Parse_HeaderWrittenBySerializer_RoundTripsWithDocumentedNames()
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(Header, FormatJson.Default.StreamHeader);

        StreamHeader read = FormatJson.Parse(json, FormatJson.Default.StreamHeader, "stream.json");

        Assert.AreEqual(
            Header with
            {
                SendCommand = read.SendCommand,
                NestedPaths = read.NestedPaths,
                Recipients = read.Recipients,
                RecipientFingerprints = read.RecipientFingerprints,
            },
            read
        );
        CollectionAssert.AreEqual(Header.NestedPaths.ToList(), read.NestedPaths.ToList());
        CollectionAssert.AreEqual(Header.SendCommand.ToList(), read.SendCommand.ToList());
        CollectionAssert.AreEquivalent(
            new[]
            {
                "format_version",
                "stream",
                "subvolume",
                "nested",
                "nested_paths",
                "kind",
                "source",
                "snapshot",
                "parent",
                "generation",
                "chain_position",
                "chunk_size",
                "part_size",
                "send_command",
                "send_protocol",
                "compressed_data",
                "compression",
                "encryption",
                "recipient_fingerprints",
                "recipients",
                "created_at",
            },
            Names(json)
        );
    }

    [TestMethod]
    public void Of_SealFromHeader_CarriesTheHeadersFactsAndTheDocumentedFields()
    {
        Seal seal = Seal.Of(
            Header,
            [Chunk],
            1000,
            ValidFormat.Sha256("stream"),
            "btrfs-progs v6.2",
            "6.1.0",
            Header.CreatedAt,
            Header.CreatedAt.AddMinutes(1)
        );
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(seal, FormatJson.Default.Seal);

        Seal read = FormatJson.Parse(json, FormatJson.Default.Seal, "seal.json");

        Assert.AreEqual(Header.Snapshot, read.Snapshot);
        Assert.AreEqual(Header.Parent, read.Parent);
        Assert.AreEqual(1, read.ChunkCount);
        Assert.AreEqual(Chunk, read.Chunks[0]);
        CollectionAssert.AreEquivalent(
            new[]
            {
                "format_version",
                "stream",
                "subvolume",
                "nested",
                "nested_paths",
                "kind",
                "source",
                "snapshot",
                "parent",
                "generation",
                "chain_position",
                "chunk_size",
                "part_size",
                "send_command",
                "send_protocol",
                "compressed_data",
                "compression",
                "encryption",
                "recipient_fingerprints",
                "chunk_count",
                "total_bytes",
                "sha256",
                "btrfs_progs_version",
                "kernel_version",
                "started_at",
                "finished_at",
                "chunks",
                "catalog",
            },
            Names(json)
        );
    }

    [TestMethod]
    public void Of_ManifestFromSeal_CarriesTheSealsFactsAndTheDocumentedFields()
    {
        Seal seal = Seal.Of(
            Header,
            [Chunk],
            1000,
            ValidFormat.Sha256("stream"),
            "btrfs-progs v6.2",
            "6.1.0",
            Header.CreatedAt,
            Header.CreatedAt.AddMinutes(1)
        );
        Manifest manifest = Manifest.Of(
            seal,
            "backup/data/20261125T020000Z/data.20261125T020000Z/manifest.json",
            Header.CreatedAt.AddHours(1),
            "DEEP_ARCHIVE",
            [
                new ManifestChunk(
                    0,
                    "backup/data/20261125T020000Z/data.20261202T020000Z/chunk-000000",
                    1000,
                    1000,
                    ValidFormat.Sha256("chunk"),
                    PartMd5,
                    "y/Q5Jg=="
                ),
            ]
        );
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(manifest, FormatJson.Default.Manifest);

        Manifest read = FormatJson.Parse(json, FormatJson.Default.Manifest, "manifest.json");

        Assert.IsTrue(read.SameStreamAs(manifest));
        Assert.AreEqual(seal.StartedAt, read.SendStartedAt);
        Assert.AreEqual("btrfs-progs v6.2", read.BtrfsProgsVersion);
        Assert.AreEqual(BuildInfo.WrittenBy, read.WrittenBy);
        CollectionAssert.AreEquivalent(
            new[]
            {
                "format_version",
                "subvolume",
                "nested",
                "nested_paths",
                "stream",
                "kind",
                "source",
                "generation",
                "chain_position",
                "snapshot",
                "parent",
                "parent_manifest",
                "send_command",
                "send_protocol",
                "compressed_data",
                "compression",
                "encryption",
                "recipient_fingerprints",
                "btrfs_progs_version",
                "kernel_version",
                "send_started_at",
                "send_finished_at",
                "published_at",
                "chunk_size",
                "part_size",
                "total_bytes",
                "sha256",
                "storage_class",
                "written_by",
                "catalog",
                "chunks",
            },
            Names(json)
        );
    }

    [TestMethod]
    public void Parse_OtherFormatVersion_IsBadDataNamingWhere()
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(
            Header with
            {
                FormatVersion = 1,
            },
            FormatJson.Default.StreamHeader
        );

        BackupFailure failure = Assert.ThrowsExactly<BackupFailure>(() =>
            FormatJson.Parse(json, FormatJson.Default.StreamHeader, "s3://b/k")
        );

        Assert.AreEqual(FailureKind.BadData, failure.Kind);
        Assert.AreEqual("s3://b/k: format version 1, but this build reads version 2", failure.Message);
    }

    [TestMethod]
    public void Parse_UnknownField_IsBadData()
    {
        string json = Encoding.UTF8.GetString(
            JsonSerializer.SerializeToUtf8Bytes(Header, FormatJson.Default.StreamHeader)
        );
        byte[] extended = Encoding.UTF8.GetBytes(
            json.Replace("\"stream\":", "\"colour\": \"blue\",\n  \"stream\":", StringComparison.Ordinal)
        );

        BackupFailure failure = Assert.ThrowsExactly<BackupFailure>(() =>
            FormatJson.Parse(extended, FormatJson.Default.StreamHeader, "stream.json")
        );

        Assert.AreEqual(FailureKind.BadData, failure.Kind);
        StringAssert.StartsWith(failure.Message, "stream.json: not a valid StreamHeader:");
    }

    [TestMethod]
    public void Parse_MissingField_IsBadData()
    {
        string json = Encoding.UTF8.GetString(
            JsonSerializer.SerializeToUtf8Bytes(Chunk, FormatJson.Default.ChunkRecord)
        );
        byte[] cut = Encoding.UTF8.GetBytes(
            json.Replace($"\"etag\": \"{PartMd5}\"", "\"etag\": null", StringComparison.Ordinal)
        );

        BackupFailure failure = Assert.ThrowsExactly<BackupFailure>(() =>
            FormatJson.Parse(cut, FormatJson.Default.ChunkRecord, "chunk-000000.json")
        );

        Assert.AreEqual(FailureKind.BadData, failure.Kind);
    }

    private static List<string> Names(byte[] json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        return [.. document.RootElement.EnumerateObject().Select(p => p.Name)];
    }
}
