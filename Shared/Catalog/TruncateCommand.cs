namespace BtrfsToS3.Shared.Catalog;

/// <summary><c>truncate</c>.</summary>
internal sealed record TruncateCommand(int Line, string Op, CatalogPath Path, long Size)
    : CatalogCommand(Line, Op, Path);
