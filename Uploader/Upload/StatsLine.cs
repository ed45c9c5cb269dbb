using System.Text.Json.Serialization;

namespace BtrfsToS3.Uploader.Upload;

/// <summary>One line of stats.jsonl; its <c>type</c> says which kind (docs/FORMAT.md, "Local state").</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(ChunkStats), "chunk")]
[JsonDerivedType(typeof(RunStats), "run")]
internal abstract record StatsLine;
