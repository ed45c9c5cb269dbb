using BtrfsToS3.Shared.Format;

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

    /// <summary>The facts, and recipients that parse as age keys and are the ones the fingerprints name, in
    /// order.</summary>
    public override void Validate(FieldCheck check)
    {
        ValidateFacts(check);
        check.List(Recipients, "recipients", ChunkEncoding.MaxRecipients);
        check.That(
            Recipients.Count == RecipientFingerprints.Count,
            "recipients",
            Recipients.Count,
            $"must be as many as the {RecipientFingerprints.Count} recipient_fingerprints"
        );
        for (int i = 0; i < Recipients.Count; i++)
        {
            check.Text(
                Recipients[i],
                $"recipients[{i}]",
                r =>
                    Crypto.AgeRecipient.TryParse(r) is not null
                    && ChunkEncoding.Fingerprint(r) == RecipientFingerprints[i],
                "is not an age recipient with the fingerprint recipient_fingerprints names"
            );
        }
    }
}
