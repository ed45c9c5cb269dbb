using BtrfsToS3.Shared.Format;

namespace BtrfsToS3.Shared.Spool;

/// <summary>
/// held.json in a stream's directory: a chunk of the stream is damaged on the spool (S3 refused a part whose bytes are
/// not the ones that left <c>btrfs send</c>), so the uploader sends nothing of the stream again, and publishes none of
/// it, until a person acts (README, "A damaged chunk"). Written once, atomically.
/// </summary>
/// <param name="Chunk">The chunk file's name.</param>
/// <param name="Part">The part S3 refused (from 1).</param>
/// <param name="Reason">S3's answer, for the person.</param>
internal sealed record HeldRecord(int FormatVersion, string Chunk, int Part, string Reason, DateTimeOffset HeldAt)
    : IFormatVersioned
{
    public void Validate(FieldCheck check)
    {
        check.Text(
            Chunk,
            "chunk",
            name =>
                name.Length == 12
                && name.StartsWith("chunk-", StringComparison.Ordinal)
                && name[6..].All(char.IsAsciiDigit),
            "is not a chunk's name"
        );
        check.That(
            Part is >= 1 and <= Configuration.S3Limits.MaxPartsPerUpload,
            "part",
            Part,
            "is not a part number from 1 to 10,000"
        );
    }
}
