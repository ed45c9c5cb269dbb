namespace BtrfsToS3.Shared.Catalog;

/// <summary>An inode's type, as the command that made it says (a device's, by the type bits of mknod's mode).</summary>
internal enum InodeKind
{
    File,
    Directory,
    Symlink,
    Fifo,
    Socket,
    CharDevice,
    BlockDevice,
}
