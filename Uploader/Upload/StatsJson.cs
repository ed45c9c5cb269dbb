using System.Text.Json.Serialization;

namespace BtrfsToS3.Uploader.Upload;

/// <summary>Source-generated JSON for the stats lines: one compact line each, snake_case like the format
/// files.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(StatsLine))]
internal sealed partial class StatsJson : JsonSerializerContext;
