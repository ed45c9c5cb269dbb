namespace BtrfsToS3.Shared.Catalog;

/// <summary><c>rename</c>: the name <see cref="CatalogCommand.Path"/> becomes <see cref="To"/>.</summary>
internal sealed record RenameCommand(int Line, string Op, CatalogPath Path, CatalogPath To)
    : CatalogCommand(Line, Op, Path);
