namespace BtrfsToS3.Shared.SendStream;

/// <summary>
/// The send stream's format as the kernel's fs/btrfs/send.h and btrfs-progs' Documentation/dev/dev-send-stream.rst
/// define it: the stream header, the command header, each attribute's value type and the protocol version that
/// brought each command and attribute. Little endian throughout.
/// </summary>
internal static class SendProtocol
{
    /// <summary>The stream header: "btrfs-stream", its terminating NUL, then the version as le32.</summary>
    public const int StreamHeaderLength = 17;

    /// <summary>A command's header: le32 payload length (header excluded), le16 command, le32 CRC-32C.</summary>
    public const int CommandHeaderLength = 10;

    /// <summary>An attribute's header: le16 type, le16 value length (from v2 on, data's header is the type
    /// alone).</summary>
    public const int AttributeHeaderLength = 4;

    public const int MaxVersion = 3;

    /// <summary>In v1 the kernel builds each command, header included, in a 64 KiB buffer
    /// (BTRFS_SEND_BUF_SIZE_V1).</summary>
    public const int MaxCommandLengthV1 = 64 * 1024;

    /// <summary>
    /// From v2 on, send.h says "no limit should be assumed"; the kernel's buffer is 16 KiB plus the largest compressed
    /// extent (128 KiB), rounded up to a page: 144 KiB, 192 KiB with 64 KiB pages. 16 MiB leaves a future kernel a
    /// hundredfold room and still refuses a corrupt length before it is believed.
    /// </summary>
    public const int MaxCommandLength = 16 * 1024 * 1024;

    public static ReadOnlySpan<byte> Magic => "btrfs-stream\0"u8;

    /// <summary>The largest command number any version knows.</summary>
    public const int MaxCommand = (int)SendCommandKind.EnableVerity;

    /// <summary>The largest attribute number any version knows.</summary>
    public const int MaxAttribute = (int)SendAttributeKind.VeritySigData;

    /// <summary>Variable-length values (string and data) in <see cref="ValueLength"/>.</summary>
    public const int Variable = -1;

    // Indexed by attribute number: the length of its value's type (u8 1, u32 4, u64 8, uuid 16, timespec 12), or
    // Variable for string and data (dev-send-stream.rst, "Attributes, TLV types").
    private static readonly int[] ValueLengths =
    [
        0, // unspec
        16, // uuid
        8, // ctransid
        8, // ino
        8, // size
        8, // mode
        8, // uid
        8, // gid
        8, // rdev
        12, // ctime
        12, // mtime
        12, // atime
        12, // otime
        Variable, // xattr_name
        Variable, // xattr_data
        Variable, // path
        Variable, // path_to
        Variable, // path_link
        8, // file_offset
        Variable, // data
        16, // clone_uuid
        8, // clone_ctransid
        Variable, // clone_path
        8, // clone_offset
        8, // clone_len
        4, // fallocate_mode
        8, // fileattr
        8, // unencoded_file_len
        8, // unencoded_len
        8, // unencoded_offset
        4, // compression
        4, // encryption
        1, // verity_algorithm
        4, // verity_block_size
        Variable, // verity_salt_data
        Variable, // verity_sig_data
    ];

    private static readonly string[] CommandNames =
    [
        "unspec",
        "subvol",
        "snapshot",
        "mkfile",
        "mkdir",
        "mknod",
        "mkfifo",
        "mksock",
        "symlink",
        "rename",
        "link",
        "unlink",
        "rmdir",
        "set_xattr",
        "remove_xattr",
        "write",
        "clone",
        "truncate",
        "chmod",
        "chown",
        "utimes",
        "end",
        "update_extent",
        "fallocate",
        "fileattr",
        "encoded_write",
        "enable_verity",
    ];

    private static readonly string[] AttributeNames =
    [
        "unspec",
        "uuid",
        "ctransid",
        "ino",
        "size",
        "mode",
        "uid",
        "gid",
        "rdev",
        "ctime",
        "mtime",
        "atime",
        "otime",
        "xattr_name",
        "xattr_data",
        "path",
        "path_to",
        "path_link",
        "file_offset",
        "data",
        "clone_uuid",
        "clone_ctransid",
        "clone_path",
        "clone_offset",
        "clone_len",
        "fallocate_mode",
        "fileattr",
        "unencoded_file_len",
        "unencoded_len",
        "unencoded_offset",
        "compression",
        "encryption",
        "verity_algorithm",
        "verity_block_size",
        "verity_salt_data",
        "verity_sig_data",
    ];

    // Indexed by command number: the attributes each command must carry, as a mask of 1 << attribute. These are the
    // ones btrfs receive (btrfs-progs common/send-stream.c) refuses a command without, so a reader may rely on them;
    // compression and encryption default to 0 when an encoded write omits them (send.h).
    private static readonly ulong[] RequiredAttributes =
    [
        0, // unspec
        Mask(SendAttributeKind.Path, SendAttributeKind.Uuid, SendAttributeKind.Ctransid),
        Mask(
            SendAttributeKind.Path,
            SendAttributeKind.Uuid,
            SendAttributeKind.Ctransid,
            SendAttributeKind.CloneUuid,
            SendAttributeKind.CloneCtransid
        ),
        Mask(SendAttributeKind.Path), // mkfile
        Mask(SendAttributeKind.Path), // mkdir
        Mask(SendAttributeKind.Path, SendAttributeKind.Mode, SendAttributeKind.Rdev),
        Mask(SendAttributeKind.Path), // mkfifo
        Mask(SendAttributeKind.Path), // mksock
        Mask(SendAttributeKind.Path, SendAttributeKind.PathLink),
        Mask(SendAttributeKind.Path, SendAttributeKind.PathTo),
        Mask(SendAttributeKind.Path, SendAttributeKind.PathLink),
        Mask(SendAttributeKind.Path), // unlink
        Mask(SendAttributeKind.Path), // rmdir
        Mask(SendAttributeKind.Path, SendAttributeKind.XattrName, SendAttributeKind.XattrData),
        Mask(SendAttributeKind.Path, SendAttributeKind.XattrName),
        Mask(SendAttributeKind.Path, SendAttributeKind.FileOffset, SendAttributeKind.Data),
        Mask(
            SendAttributeKind.Path,
            SendAttributeKind.FileOffset,
            SendAttributeKind.CloneLength,
            SendAttributeKind.CloneUuid,
            SendAttributeKind.CloneCtransid,
            SendAttributeKind.ClonePath,
            SendAttributeKind.CloneOffset
        ),
        Mask(SendAttributeKind.Path, SendAttributeKind.Size),
        Mask(SendAttributeKind.Path, SendAttributeKind.Mode),
        Mask(SendAttributeKind.Path, SendAttributeKind.Uid, SendAttributeKind.Gid),
        Mask(SendAttributeKind.Path, SendAttributeKind.Atime, SendAttributeKind.Mtime, SendAttributeKind.Ctime),
        0, // end
        Mask(SendAttributeKind.Path, SendAttributeKind.FileOffset, SendAttributeKind.Size),
        Mask(
            SendAttributeKind.Path,
            SendAttributeKind.FallocateMode,
            SendAttributeKind.FileOffset,
            SendAttributeKind.Size
        ),
        Mask(SendAttributeKind.Path, SendAttributeKind.Fileattr),
        Mask(
            SendAttributeKind.Path,
            SendAttributeKind.FileOffset,
            SendAttributeKind.UnencodedFileLength,
            SendAttributeKind.UnencodedLength,
            SendAttributeKind.UnencodedOffset,
            SendAttributeKind.Data
        ),
        Mask(
            SendAttributeKind.Path,
            SendAttributeKind.VerityAlgorithm,
            SendAttributeKind.VerityBlockSize,
            SendAttributeKind.VeritySaltData,
            SendAttributeKind.VeritySigData
        ),
    ];

    /// <summary>The version that brought a command number, or 0 for a number no version knows.</summary>
    public static int CommandVersion(int command) =>
        command switch
        {
            >= 1 and <= (int)SendCommandKind.UpdateExtent => 1,
            >= (int)SendCommandKind.Fallocate and <= (int)SendCommandKind.EncodedWrite => 2,
            (int)SendCommandKind.EnableVerity => 3,
            _ => 0,
        };

    /// <summary>The version that brought an attribute number, or 0 for a number no version knows.</summary>
    public static int AttributeVersion(int attribute) =>
        attribute switch
        {
            >= 1 and <= (int)SendAttributeKind.CloneLength => 1,
            >= (int)SendAttributeKind.FallocateMode and <= (int)SendAttributeKind.Encryption => 2,
            >= (int)SendAttributeKind.VerityAlgorithm and <= MaxAttribute => 3,
            _ => 0,
        };

    /// <summary>The length of a known attribute's value, or <see cref="Variable"/>.</summary>
    public static int ValueLength(SendAttributeKind attribute) => ValueLengths[(int)attribute];

    /// <summary>The attributes a known command must carry, as a mask of 1 &lt;&lt; attribute.</summary>
    public static ulong Required(SendCommandKind command) => RequiredAttributes[(int)command];

    /// <summary>A known command's name as send.h and btrfs receive --dump spell it ("encoded_write").</summary>
    public static string Name(SendCommandKind command) => CommandNames[(int)command];

    /// <summary>A known attribute's name as send.h spells it ("file_offset").</summary>
    public static string Name(SendAttributeKind attribute) => AttributeNames[(int)attribute];

    public static ulong Bit(SendAttributeKind attribute) => 1UL << (int)attribute;

    private static ulong Mask(params ReadOnlySpan<SendAttributeKind> attributes)
    {
        ulong mask = 0;
        foreach (SendAttributeKind attribute in attributes)
        {
            mask |= Bit(attribute);
        }

        return mask;
    }
}
