namespace BtrfsToS3.Shared.Catalog;

/// <summary><c>mkfile</c>, <c>mkdir</c>, <c>mknod</c>, <c>mkfifo</c>, <c>mksock</c> or <c>symlink</c>: a new inode
/// of <see cref="Kind"/> at a new name; a device's <see cref="Rdev"/>, a symlink's <see cref="Target"/>.</summary>
internal sealed record CreateCommand(
    int Line,
    string Op,
    CatalogPath Path,
    InodeKind Kind,
    long Rdev,
    EntryName? Target
) : CatalogCommand(Line, Op, Path);
