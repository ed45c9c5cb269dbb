using BtrfsToS3.Shared.Format;

namespace BtrfsToS3.Shared.Spool;

/// <summary>
/// The seal's word for the stream's catalog file (docs/FORMAT.md, "Catalog"): its stored bytes' length and SHA-256,
/// which the uploader checks before it sends them, and its line count, for people.
/// </summary>
internal sealed record CatalogRecord(long Size, string Sha256, long Lines)
{
    /// <summary>A catalog larger than this is not made: its stream is sealed without one (docs/FORMAT.md).</summary>
    public const long MaxSize = 4L * 1024 * 1024 * 1024;

    public void Validate(FieldCheck check)
    {
        check.That(Size is >= 1 and <= MaxSize, "catalog.size", Size, $"is not from 1 to {MaxSize} bytes");
        check.Text(Sha256, "catalog.sha256", FormatGrammar.Sha256, "is not a SHA-256 in lower-case hex");
        check.That(Lines >= 2, "catalog.lines", Lines, "must be at least 2 (the header and the end)");
    }
}
