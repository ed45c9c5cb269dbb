namespace BtrfsToS3.Shared.Catalog;

/// <summary><c>chown</c>.</summary>
internal sealed record ChownCommand(int Line, string Op, CatalogPath Path, long Uid, long Gid)
    : CatalogCommand(Line, Op, Path);
