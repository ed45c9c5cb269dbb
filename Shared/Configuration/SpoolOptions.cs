namespace BtrfsToS3.Shared.Configuration;

/// <summary>
/// The spool on the scratch disk. Quota bounds the bytes the spool may hold at once (the spooler pauses at it);
/// ChunkSize is the size of every chunk of a stream but the last.
/// </summary>
internal sealed record SpoolOptions(string Dir, long Quota, long ChunkSize);
