using System.Text.Json.Serialization;

namespace BtrfsToS3.Uploader.Status;

/// <summary>Source-generated JSON for <c>status --json</c>, in the same style as the format files.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(StatusReport))]
internal sealed partial class StatusJson : JsonSerializerContext;
