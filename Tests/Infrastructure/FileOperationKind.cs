namespace BtrfsToS3.Tests.Infrastructure;

/// <summary>
/// What a <see cref="FileOperation"/> does; <see cref="FileHistoryWriter"/> resolves its numbers against the tree. Each
/// kind says which of them it reads: entries are picked by index, modulo how many of the kind there are.
/// </summary>
internal enum FileOperationKind
{
    /// <summary>A new file in directory <c>Place</c>, named from <c>Name</c>, of <c>Length</c> bytes of content
    /// <c>Value</c>.</summary>
    CreateFile,

    /// <summary><c>Length</c> bytes of content <c>Value</c> into file <c>Target</c>: at its end (variant 0), at
    /// <c>Offset</c> rounded down to 4 KiB (1), or at <c>Offset</c> (2, 3), up to 64 KiB past its end.</summary>
    Write,

    /// <summary>File <c>Target</c> cut to <c>Offset</c> (variants 0, 1; rounded to 4 KiB in 1) or grown by up to
    /// 1 MiB (2, 3).</summary>
    Truncate,

    /// <summary>A hole of <c>Length</c> bytes punched at <c>Offset</c> in file <c>Target</c>, both rounded to 4 KiB
    /// in even variants.</summary>
    PunchHole,

    /// <summary><c>Length</c> bytes allocated at <c>Offset</c> of file <c>Target</c>, up to 64 KiB past its end:
    /// growing the file (even variants) or keeping its size (odd).</summary>
    Allocate,

    /// <summary>File <c>Target</c> cloned whole (FICLONE, as <c>cp --reflink=always</c>) into a new file in
    /// directory <c>Place</c> (even variants) or over file <c>Place</c> (odd).</summary>
    CloneFile,

    /// <summary>Part of file <c>Target</c> from <c>Offset</c> cloned (FICLONERANGE) into file <c>Place</c> at
    /// <c>Value</c>, 4 KiB-aligned: <c>Length</c> bytes (odd variants) or to the source's end (even).</summary>
    CloneRange,

    /// <summary>Entry <c>Target</c> renamed into directory <c>Place</c> as <c>Name</c>, replacing what holds that name
    /// where rename(2) may.</summary>
    Rename,

    /// <summary>Entries <c>Target</c> and <c>Place</c> trade names, through a third.</summary>
    SwapNames,

    /// <summary>A new directory in directory <c>Place</c>.</summary>
    MakeDirectory,

    /// <summary>Directory <c>Target</c> removed with all it holds.</summary>
    RemoveDirectory,

    /// <summary>A hard link to entry <c>Target</c> (not a directory) in directory <c>Place</c>.</summary>
    Link,

    /// <summary>Entry <c>Target</c> (not a directory) unlinked.</summary>
    Unlink,

    /// <summary>A symlink in directory <c>Place</c> to: an entry (variant 0), an absolute path (1), a long path of
    /// <c>Length</c> bytes (2), a name (3).</summary>
    Symlink,

    /// <summary>A fifo in directory <c>Place</c>.</summary>
    MakeFifo,

    /// <summary>A character device (variant 0), block device (1) or socket (2, 3) in directory <c>Place</c>, its
    /// numbers from <c>Value</c>.</summary>
    MakeNode,

    /// <summary>Entry <c>Target</c> (the top directory too, not a symlink) set to mode <c>Value</c> (07777).</summary>
    Chmod,

    /// <summary>Entry <c>Target</c> (the top directory and symlinks too) given owner <c>Value</c> and group
    /// <c>Offset</c>, each below 70,000 in variants 0 and 1.</summary>
    Chown,

    /// <summary>Xattr <c>Name</c> of entry <c>Target</c> set to <c>Length</c> bytes of content <c>Value</c>: user.*
    /// on files and directories, trusted.* on the others, which refuse user.*.</summary>
    SetXattr,

    /// <summary>An xattr, <c>Name</c>, removed from entry <c>Target</c> of those that have one.</summary>
    RemoveXattr,

    /// <summary>Entry <c>Target</c>'s mtime set to <c>Value</c> seconds (negative before 1970) and <c>Length</c>
    /// nanoseconds, its atime to <c>Offset</c> seconds.</summary>
    SetTimes,
}
