namespace BtrfsToS3.Shared.Spool;

/// <summary>A chunk file with its final name in the spool, its record, and the header of the stream it belongs
/// to.</summary>
internal sealed record ReadyChunk(SpoolStream Stream, StreamHeader Header, ChunkRecord Record, string DataPath);
