namespace BtrfsToS3.Shared.Spool;

/// <summary>
/// stream.json, written before the first chunk: everything needed to send the same stream again after a crash,
/// byte for byte (same snapshot, same parent, same chunk and part size), so its chunks get the same names and hashes.
/// </summary>
internal sealed record StreamHeader : StreamFacts
{
    /// <summary>
    /// The age recipients (<c>age1…</c>) the chunks are encrypted to, where <see cref="StreamFacts.Encryption"/> is
    /// <c>age</c>: public keys, kept in the spool only (a manifest holds no key material).
    /// </summary>
    public IReadOnlyList<string> Recipients { get; init; } = [];

    public required DateTimeOffset CreatedAt { get; init; }
}
