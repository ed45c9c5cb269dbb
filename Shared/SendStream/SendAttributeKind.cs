namespace BtrfsToS3.Shared.SendStream;

/// <summary>
/// A send stream attribute's type (the T of a command's TLVs), numbered as the kernel's fs/btrfs/send.h numbers it;
/// 0 (UNSPEC) is not an attribute. The value's type and the version that brought each are in
/// <see cref="SendProtocol"/>.
/// </summary>
internal enum SendAttributeKind : ushort
{
    /// <summary>uuid: the subvolume's UUID.</summary>
    Uuid = 1,

    /// <summary>u64: the subvolume's ctransid.</summary>
    Ctransid = 2,

    /// <summary>u64: the inode number on the sending side.</summary>
    Ino = 3,

    /// <summary>u64: a size (truncate, update_extent, fallocate).</summary>
    Size = 4,

    /// <summary>u64: the file mode.</summary>
    Mode = 5,

    /// <summary>u64: the owner's user id.</summary>
    Uid = 6,

    /// <summary>u64: the owner's group id.</summary>
    Gid = 7,

    /// <summary>u64: a device node's device number.</summary>
    Rdev = 8,

    /// <summary>timespec: the change time.</summary>
    Ctime = 9,

    /// <summary>timespec: the modification time.</summary>
    Mtime = 10,

    /// <summary>timespec: the access time.</summary>
    Atime = 11,

    /// <summary>timespec: the creation time.</summary>
    Otime = 12,

    /// <summary>string: an extended attribute's name.</summary>
    XattrName = 13,

    /// <summary>data: an extended attribute's value.</summary>
    XattrData = 14,

    /// <summary>string: the path the command acts on, relative to the subvolume.</summary>
    Path = 15,

    /// <summary>string: a rename's new path.</summary>
    PathTo = 16,

    /// <summary>string: a symlink's target, or the existing path a hard link names.</summary>
    PathLink = 17,

    /// <summary>u64: the offset in the file.</summary>
    FileOffset = 18,

    /// <summary>data: file data. In v1 an ordinary TLV; from v2 on the type alone, its value running to the command's
    /// end.</summary>
    Data = 19,

    /// <summary>uuid: the UUID of the subvolume a clone (or a snapshot's parent) comes from.</summary>
    CloneUuid = 20,

    /// <summary>u64: that subvolume's ctransid.</summary>
    CloneCtransid = 21,

    /// <summary>string: the file a clone copies from.</summary>
    ClonePath = 22,

    /// <summary>u64: the offset in that file.</summary>
    CloneOffset = 23,

    /// <summary>u64: the length cloned.</summary>
    CloneLength = 24,

    /// <summary>u32 (v2): the fallocate mode flags.</summary>
    FallocateMode = 25,

    /// <summary>u64 (v2): the inode flags.</summary>
    Fileattr = 26,

    /// <summary>u64 (v2): the length of the file range an encoded write fills.</summary>
    UnencodedFileLength = 27,

    /// <summary>u64 (v2): the length of the data once decoded.</summary>
    UnencodedLength = 28,

    /// <summary>u64 (v2): where in the decoded data the file range starts.</summary>
    UnencodedOffset = 29,

    /// <summary>u32 (v2): how the data is compressed, numbered as linux/btrfs.h's BTRFS_ENCODED_IO_COMPRESSION_* (0
    /// none, 1 zlib, 2 zstd, 3 to 7 lzo by sector size).</summary>
    Compression = 30,

    /// <summary>u32 (v2): how the data is encrypted (0 none).</summary>
    Encryption = 31,

    /// <summary>u8 (v3): the fs-verity hash algorithm.</summary>
    VerityAlgorithm = 32,

    /// <summary>u32 (v3): the fs-verity block size.</summary>
    VerityBlockSize = 33,

    /// <summary>data (v3): the fs-verity salt.</summary>
    VeritySaltData = 34,

    /// <summary>data (v3): the fs-verity signature.</summary>
    VeritySigData = 35,
}
