namespace BtrfsToS3.Uploader.Status;

/// <summary>A published stream as the status shows it.</summary>
internal sealed record PublishedStream(string Stream, DateTimeOffset PublishedAt, long Bytes, int Chunks);
