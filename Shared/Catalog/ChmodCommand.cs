namespace BtrfsToS3.Shared.Catalog;

/// <summary><c>chmod</c>: the permission bits.</summary>
internal sealed record ChmodCommand(int Line, string Op, CatalogPath Path, int Mode) : CatalogCommand(Line, Op, Path);
