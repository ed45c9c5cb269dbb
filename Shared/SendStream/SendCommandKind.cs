namespace BtrfsToS3.Shared.SendStream;

/// <summary>
/// A send stream command's type, numbered as the kernel's fs/btrfs/send.h (enum btrfs_send_cmd) numbers it; 0
/// (UNSPEC) is not a command. Each member says the protocol version that brought it: a stream of an older version
/// that carries it is corrupt.
/// </summary>
internal enum SendCommandKind : ushort
{
    /// <summary>v1: the stream's subvolume, sent whole (path, uuid, ctransid).</summary>
    Subvol = 1,

    /// <summary>v1: the stream's subvolume, sent as changes to a parent (path, uuid, ctransid, clone_uuid,
    /// clone_ctransid: the parent's).</summary>
    Snapshot = 2,

    /// <summary>v1: create a regular file (path, ino).</summary>
    Mkfile = 3,

    /// <summary>v1: create a directory (path, ino).</summary>
    Mkdir = 4,

    /// <summary>v1: create a device node (path, mode, rdev).</summary>
    Mknod = 5,

    /// <summary>v1: create a FIFO (path, ino).</summary>
    Mkfifo = 6,

    /// <summary>v1: create a socket (path, ino).</summary>
    Mksock = 7,

    /// <summary>v1: create a symlink (path, ino, path_link: its target).</summary>
    Symlink = 8,

    /// <summary>v1: rename path to path_to.</summary>
    Rename = 9,

    /// <summary>v1: make path a hard link to path_link.</summary>
    Link = 10,

    /// <summary>v1: remove a name (path).</summary>
    Unlink = 11,

    /// <summary>v1: remove a directory (path).</summary>
    Rmdir = 12,

    /// <summary>v1: set an extended attribute (path, xattr_name, xattr_data).</summary>
    SetXattr = 13,

    /// <summary>v1: remove an extended attribute (path, xattr_name).</summary>
    RemoveXattr = 14,

    /// <summary>v1: write data at an offset (path, file_offset, data).</summary>
    Write = 15,

    /// <summary>v1: copy a range from another file by reference (path, file_offset, clone_len, clone_uuid,
    /// clone_ctransid, clone_path, clone_offset).</summary>
    Clone = 16,

    /// <summary>v1: set a file's size (path, size).</summary>
    Truncate = 17,

    /// <summary>v1: set the mode (path, mode).</summary>
    Chmod = 18,

    /// <summary>v1: set the owner (path, uid, gid).</summary>
    Chown = 19,

    /// <summary>v1: set the times (path, atime, mtime, ctime; otime too since v2).</summary>
    Utimes = 20,

    /// <summary>v1: the stream's last command.</summary>
    End = 21,

    /// <summary>v1: a changed extent, without its data (a send with --no-data: path, file_offset, size).</summary>
    UpdateExtent = 22,

    /// <summary>v2: preallocate, punch a hole or zero a range (path, fallocate_mode, file_offset, size).</summary>
    Fallocate = 23,

    /// <summary>v2: set the inode flags (path, fileattr).</summary>
    Fileattr = 24,

    /// <summary>v2: write data as the filesystem stores it, e.g. compressed (path, file_offset,
    /// unencoded_file_len, unencoded_len, unencoded_offset, compression, encryption, data).</summary>
    EncodedWrite = 25,

    /// <summary>v3: enable fs-verity (path, verity_algorithm, verity_block_size, verity_salt_data,
    /// verity_sig_data).</summary>
    EnableVerity = 26,
}
