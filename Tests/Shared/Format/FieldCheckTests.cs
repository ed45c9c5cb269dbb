using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.Format;
using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Shared.Spool;
using BtrfsToS3.Tests.Infrastructure;

namespace BtrfsToS3.Tests.Shared.Format;

/// <summary>
/// What an intruder with the bucket's keys, or a damaged spool, can put in a format object: each such value is bad data
/// (exit 65) in one line naming the object, the field and the value, before anything is made of it.
/// </summary>
[TestClass]
public sealed class FieldCheckTests
{
    private static readonly Manifest Good = ManifestChain.Of("data", (1000, 0), (10, 7))[1];

    [TestMethod]
    public void Parse_ValidManifest_IsRead() => Assert.IsTrue(Read(Json(Good)).SameStreamAs(Good));

    [TestMethod]
    [DataRow("snapshot", "name", "/srv/data/data", "snapshot.name")]
    [DataRow("snapshot", "name", "data.20260111T020000Z/../../etc", "snapshot.name")]
    [DataRow(null, "stream", "../../x", "stream")]
    [DataRow(null, "subvolume", "../data", "subvolume")]
    [DataRow(null, "generation", "../../x", "generation")]
    [DataRow("snapshot", "uuid", "x", "snapshot.uuid")]
    [DataRow(null, "sha256", "ABC", "sha256")]
    [DataRow(null, "compression", "lz4", "compression")]
    [DataRow(null, "encryption", "rot13", "encryption")]
    public void Parse_HostileName_IsBadDataNamingTheField(string? parent, string field, string value, string named)
    {
        JsonObject json = Json(Good);
        (parent is null ? json : json[parent]!.AsObject())[field] = value;

        BackupFailure failure = Assert.ThrowsExactly<BackupFailure>(() => Read(json));

        Assert.AreEqual(FailureKind.BadData, failure.Kind);
        StringAssert.StartsWith(failure.Message, $"s3://b/m: {named} ");
    }

    [TestMethod]
    [DataRow("../../x")]
    [DataRow("/etc")]
    [DataRow("a//b")]
    [DataRow("a/./b")]
    [DataRow("")]
    public void Parse_NestedPathOutsideItsSubvolume_IsBadData(string path)
    {
        JsonObject json = Json(Good);
        json["nested_paths"] = new JsonArray(path);

        BackupFailure failure = Assert.ThrowsExactly<BackupFailure>(() => Read(json));

        StringAssert.StartsWith(failure.Message, "s3://b/m: nested_paths[0] ");
    }

    [TestMethod]
    public void Parse_NoChunks_IsBadData()
    {
        JsonObject json = Json(Good);
        json["chunks"] = new JsonArray();

        StringAssert.Contains(
            Assert.ThrowsExactly<BackupFailure>(() => Read(json)).Message,
            "chunks 0 must list at least one chunk"
        );
    }

    [TestMethod]
    public void Parse_PartSizeZero_IsBadData() =>
        AssertField(j => j["part_size"] = 0, "part_size 0 is not from 1 byte to 5 GiB");

    [TestMethod]
    public void Parse_ChunkOutOfOrder_IsBadData() =>
        AssertField(j => j["chunks"]![0]!["index"] = 3, "chunks[0].index 3 must be 0");

    [TestMethod]
    public void Parse_ChunkKeyOfAnotherStream_IsBadData() =>
        AssertField(
            j => j["chunks"]![0]!["key"] = "backup/data/20260104T020000Z/data.20260104T020000Z/chunk-000000",
            "chunks[0].key \"backup/data/20260104T020000Z/data.20260104T020000Z/chunk-000000\" is not backup/data/"
        );

    [TestMethod]
    public void Parse_StreamBytesNotTheTotal_IsBadData() =>
        AssertField(j => j["total_bytes"] = 11, "total_bytes 11 is not the 10 stream bytes the chunks hold");

    [TestMethod]
    public void Parse_ControlCharactersInAValue_AreEscapedInTheLine()
    {
        JsonObject json = Json(Good);
        json["stream"] = "x\n2026-12-07 forged log line\u001b[31m";

        BackupFailure failure = Assert.ThrowsExactly<BackupFailure>(() => Read(json));

        Assert.DoesNotContain("\n", failure.Message);
        Assert.DoesNotContain("\u001b", failure.Message);
        StringAssert.Contains(failure.Message, "\"x\\u000a2026-12-07 forged log line\\u001b[31m\"");
    }

    [TestMethod]
    public void Parse_NullInAList_IsBadDataNotACrash()
    {
        JsonObject json = Json(Good);
        json["nested_paths"] = new JsonArray((JsonNode?)null);

        Assert.AreEqual(FailureKind.BadData, Assert.ThrowsExactly<BackupFailure>(() => Read(json)).Kind);
    }

    [TestMethod]
    public void Parse_PointerNamingAKeyOutsideItsFolder_IsBadData()
    {
        var pointer = new Pointer(
            FormatJson.Version,
            "data",
            null,
            Good.Source,
            Good.Generation,
            DateTimeOffset.UnixEpoch,
            [new PointerGeneration(Good.Generation, ["backup/data/../../etc/manifest.json"])]
        );
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(pointer, FormatJson.Default.Pointer);

        BackupFailure failure = Assert.ThrowsExactly<BackupFailure>(() =>
            FormatJson.Parse(body, FormatJson.Default.Pointer, "s3://b/p", ValidFormat.Prefix)
        );

        StringAssert.StartsWith(failure.Message, "s3://b/p: generations[0].manifests[0] ");
    }

    [TestMethod]
    public void Parse_PointerNamingManifestsOfAnotherPrefix_IsBadData()
    {
        string key = ObjectKeys.Manifest("elsewhere/", "data", Good.Generation, $"data.{Good.Generation}");
        var pointer = new Pointer(
            FormatJson.Version,
            "data",
            null,
            Good.Source,
            Good.Generation,
            DateTimeOffset.UnixEpoch,
            [new PointerGeneration(Good.Generation, [key])]
        );
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(pointer, FormatJson.Default.Pointer);

        BackupFailure failure = Assert.ThrowsExactly<BackupFailure>(() =>
            FormatJson.Parse(body, FormatJson.Default.Pointer, "s3://b/p", ValidFormat.Prefix)
        );

        StringAssert.Contains(failure.Message, "is not backup/data/");
    }

    [TestMethod]
    public void Show_LongValue_IsCut() =>
        StringAssert.EndsWith(FieldCheck.Show(new string('a', 100_000)), "… (100000 characters)");

    private static void AssertField(Action<JsonObject> change, string expected)
    {
        JsonObject json = Json(Good);
        change(json);
        StringAssert.Contains(Assert.ThrowsExactly<BackupFailure>(() => Read(json)).Message, expected);
    }

    private static JsonObject Json(Manifest manifest) =>
        JsonNode.Parse(JsonSerializer.SerializeToUtf8Bytes(manifest, FormatJson.Default.Manifest))!.AsObject();

    private static Manifest Read(JsonObject json) =>
        FormatJson.Parse(
            Encoding.UTF8.GetBytes(json.ToJsonString()),
            FormatJson.Default.Manifest,
            "s3://b/m",
            ValidFormat.Prefix
        );
}
