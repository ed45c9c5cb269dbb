namespace BtrfsToS3.Shared.Catalog;

/// <summary><c>clone</c>: file bytes [<see cref="Offset"/>, + <see cref="Length"/>) become those of <see
/// cref="SourcePath"/> from <see cref="SourceOffset"/>, in the snapshot <see cref="SourceUuid"/> names.</summary>
internal sealed record CloneCommand(
    int Line,
    string Op,
    CatalogPath Path,
    long Offset,
    long Length,
    string SourceUuid,
    long SourceCtransid,
    CatalogPath SourcePath,
    long SourceOffset
) : CatalogCommand(Line, Op, Path);
