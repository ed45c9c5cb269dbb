namespace BtrfsToS3.Shared.SendStream;

/// <summary>
/// One command of a send stream, decoded: its kind, where it lies and the attributes it carried (send.h's
/// BTRFS_SEND_A_*). An attribute the command did not carry reads as null (strings), empty (bytes) or zero; <see
/// cref="Has"/> tells an absent one from a zero. The parser guarantees the attributes each kind requires (<see
/// cref="SendProtocol.Required"/>), so a reader uses those without checking.
/// </summary>
/// <remarks>
/// Paths and names are bytes to btrfs. They are decoded with <see cref="LosslessUtf8"/>: valid UTF-8 as UTF-8, each
/// other byte as a lone surrogate U+DC80..U+DCFF, so <see cref="LosslessUtf8.Encode"/> gives back the exact bytes and
/// two different names never decode to one string. File data is not copied: <see cref="Data"/> says where it lies
/// in the stream.
/// </remarks>
internal sealed record SendCommand
{
    public required SendCommandKind Kind { get; init; }

    /// <summary>The stream offset of the command's header.</summary>
    public required long StreamOffset { get; init; }

    /// <summary>The length of the command's attributes (the header's length field, header excluded).</summary>
    public required int PayloadLength { get; init; }

    /// <summary>The attributes the command carried, as a mask of 1 &lt;&lt; <see cref="SendAttributeKind"/>.</summary>
    public ulong AttributeMask { get; init; }

    public string? Path { get; init; }

    public string? PathTo { get; init; }

    public string? PathLink { get; init; }

    public string? ClonePath { get; init; }

    public string? XattrName { get; init; }

    /// <summary>An extended attribute's value, copied (xattrs are small: at most 64 KiB, a TLV's length).</summary>
    public ReadOnlyMemory<byte> XattrData { get; init; }

    /// <summary>Where a write's or encoded write's data lies in the stream.</summary>
    public SendDataRange Data { get; init; }

    public Guid Uuid { get; init; }

    public ulong Ctransid { get; init; }

    public Guid CloneUuid { get; init; }

    public ulong CloneCtransid { get; init; }

    public ulong CloneOffset { get; init; }

    public ulong CloneLength { get; init; }

    public ulong Ino { get; init; }

    public ulong FileOffset { get; init; }

    public ulong Size { get; init; }

    public ulong Mode { get; init; }

    public ulong Uid { get; init; }

    public ulong Gid { get; init; }

    public ulong Rdev { get; init; }

    public SendTimestamp Atime { get; init; }

    public SendTimestamp Mtime { get; init; }

    public SendTimestamp Ctime { get; init; }

    public SendTimestamp Otime { get; init; }

    public ulong UnencodedFileLength { get; init; }

    public ulong UnencodedLength { get; init; }

    public ulong UnencodedOffset { get; init; }

    public uint Compression { get; init; }

    public uint Encryption { get; init; }

    public uint FallocateMode { get; init; }

    public ulong Fileattr { get; init; }

    public byte VerityAlgorithm { get; init; }

    public uint VerityBlockSize { get; init; }

    public ReadOnlyMemory<byte> VeritySalt { get; init; }

    public ReadOnlyMemory<byte> VeritySignature { get; init; }

    /// <summary>Whether the command carried <paramref name="attribute"/>.</summary>
    public bool Has(SendAttributeKind attribute) => (AttributeMask & SendProtocol.Bit(attribute)) != 0;
}
