namespace BtrfsToS3.Shared.Catalog;

/// <summary>Every <c>op</c> a catalog line may name, as its snake_case (<c>SetXattr</c> is <c>set_xattr</c>): the
/// header, the send commands of docs/FORMAT.md's table, and the end.</summary>
internal enum CatalogOp
{
    Header,
    Subvol,
    Snapshot,
    Mkfile,
    Mkdir,
    Mknod,
    Mkfifo,
    Mksock,
    Symlink,
    Rename,
    Link,
    Unlink,
    Rmdir,
    SetXattr,
    RemoveXattr,
    Write,
    EncodedWrite,
    Clone,
    Truncate,
    Chmod,
    Chown,
    Utimes,
    Fallocate,
    Fileattr,
    EnableVerity,
    End,
}
