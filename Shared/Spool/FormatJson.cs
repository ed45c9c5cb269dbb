using System.Text.Json.Serialization;
using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Shared.State;

namespace BtrfsToS3.Shared.Spool;

/// <summary>
/// Source-generated JSON for every file and object the tools write: snake_case names, indented so that <c>cat</c> reads them,
/// and strict on reading, because a field we do not know means a newer format we must not guess at.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    UseStringEnumConverter = true,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(StreamHeader))]
[JsonSerializable(typeof(ChunkRecord))]
[JsonSerializable(typeof(Seal))]
[JsonSerializable(typeof(PublishedSnapshot))]
[JsonSerializable(typeof(UploadedRecord))]
[JsonSerializable(typeof(Manifest))]
[JsonSerializable(typeof(Pointer))]
internal sealed partial class FormatJson : JsonSerializerContext;
