namespace BtrfsToS3.Shared.Catalog;

/// <summary><c>utimes</c>.</summary>
internal sealed record UtimesCommand(
    int Line,
    string Op,
    CatalogPath Path,
    InodeTime Atime,
    InodeTime Mtime,
    InodeTime Ctime
) : CatalogCommand(Line, Op, Path);
