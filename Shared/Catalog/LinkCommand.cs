namespace BtrfsToS3.Shared.Catalog;

/// <summary><c>link</c>: the new name <see cref="CatalogCommand.Path"/> for the inode <see cref="Target"/>
/// names.</summary>
internal sealed record LinkCommand(int Line, string Op, CatalogPath Path, CatalogPath Target)
    : CatalogCommand(Line, Op, Path);
