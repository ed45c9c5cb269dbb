namespace BtrfsToS3.Shared.Spool;

/// <summary>
/// stream.json, written before the first chunk: everything needed to send the same stream again after a crash,
/// byte for byte (same snapshot, same parent, same chunk and part size), so its chunks get the same names and hashes.
/// </summary>
internal sealed record StreamHeader : StreamFacts
{
    public required DateTimeOffset CreatedAt { get; init; }
}
