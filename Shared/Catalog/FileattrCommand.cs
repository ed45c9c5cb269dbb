namespace BtrfsToS3.Shared.Catalog;

/// <summary><c>fileattr</c>: the inode flags.</summary>
internal sealed record FileattrCommand(int Line, string Op, CatalogPath Path, long Attributes)
    : CatalogCommand(Line, Op, Path);
