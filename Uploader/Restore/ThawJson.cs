using System.Text.Json.Serialization;

namespace BtrfsToS3.Uploader.Restore;

/// <summary>Source-generated JSON for the thaw record.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(ThawRecord))]
internal sealed partial class ThawJson : JsonSerializerContext;
