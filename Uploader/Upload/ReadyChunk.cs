using BtrfsToS3.Shared.Spool;

namespace BtrfsToS3.Uploader.Upload;

/// <summary>A chunk file with its final name in the spool, its record, and the key it goes to.</summary>
internal sealed record ReadyChunk(string Stream, string StreamDir, string DataPath, ChunkRecord Record, string Key);
