namespace BtrfsToS3.Shared.Catalog;

/// <summary><c>unlink</c>, or <c>rmdir</c> where <see cref="Directory"/>: the name goes.</summary>
internal sealed record RemoveCommand(int Line, string Op, CatalogPath Path, bool Directory)
    : CatalogCommand(Line, Op, Path);
