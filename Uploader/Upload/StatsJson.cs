using System.Text.Json.Serialization;

namespace BtrfsToS3.Uploader.Upload;

/// <summary>Source-generated JSON for the stats lines.</summary>
[JsonSerializable(typeof(IReadOnlyDictionary<string, object>))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(DateTimeOffset))]
internal sealed partial class StatsJson : JsonSerializerContext;
