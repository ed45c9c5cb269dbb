namespace BtrfsToS3.Shared.Catalog;

/// <summary><c>remove_xattr</c>.</summary>
internal sealed record RemoveXattrCommand(int Line, string Op, CatalogPath Path, EntryName Name)
    : CatalogCommand(Line, Op, Path);
