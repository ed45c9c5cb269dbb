using BtrfsToS3.Shared.Crypto;
using BtrfsToS3.Shared.Format;
using BtrfsToS3.Shared.Spool;

namespace BtrfsToS3.Shared.Configuration;

/// <summary>Client-side encryption of the chunks: to whom, if anyone.</summary>
/// <param name="Recipients"> [encryption] recipients: age X25519 public keys (<c>age1…</c>), separated by spaces or
/// commas, at most <see cref="ChunkEncoding.MaxRecipients"/>; each chunk is an age file any one of their identities
/// decrypts. Default none: chunks are not encrypted (S3 still encrypts them at rest, SSE-S3, but any reader of the
/// bucket reads them).
/// </param>
internal sealed record EncryptionOptions(IReadOnlyList<AgeRecipient> Recipients)
{
    public bool On => Recipients.Count > 0;

    /// <summary>What header, seal and manifest say: <c>age</c> or <c>none</c>.</summary>
    public string Name => On ? ChunkEncoding.Age : ChunkEncoding.Plain;

    /// <summary>Reads and checks [encryption].</summary>
    public static EncryptionOptions Read(ConfigSection section)
    {
        var recipients = new List<AgeRecipient>();
        foreach (
            string text in section.Text("recipients").Split([' ', ',', '\t'], StringSplitOptions.RemoveEmptyEntries)
        )
        {
            try
            {
                AgeRecipient recipient = AgeRecipient.Parse(text);
                if (!recipients.Contains(recipient))
                {
                    recipients.Add(recipient);
                }
            }
            catch (AgeException e)
            {
                throw section.Error("recipients", e.Message);
            }
        }

        return recipients.Count > ChunkEncoding.MaxRecipients
            ? throw section.Error(
                "recipients",
                $"{recipients.Count} recipients; at most {ChunkEncoding.MaxRecipients} fit an age header of the size a chunk allows for"
            )
            : new EncryptionOptions(recipients);
    }

    public bool Equals(EncryptionOptions? other) => other is not null && Recipients.SequenceEqual(other.Recipients);

    public override int GetHashCode() => Recipients.Count;
}
