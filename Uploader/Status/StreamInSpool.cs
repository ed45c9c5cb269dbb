namespace BtrfsToS3.Uploader.Status;

/// <summary>
/// A stream waiting in the spool: sealed or still being written, chunks ready or already uploaded, bytes held, and
/// why it is held when a chunk of it is damaged (null otherwise).
/// </summary>
internal sealed record StreamInSpool(
    string Stream,
    bool Sealed,
    int ChunksReady,
    int ChunksUploaded,
    long BytesInSpool,
    string? Held
);
