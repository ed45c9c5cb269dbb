namespace BtrfsToS3.Shared.Catalog;

/// <summary>
/// File bytes sent encoded (<c>encoded_write</c>): <see cref="EncodedLength"/> stream bytes at <see cref="Data"/> in
/// stream <see cref="Stream"/>, compressed as <see cref="Compression"/> says (1 zlib, 2 zstd, 3–7 lzo), decode to
/// <see cref="UnencodedLength"/> bytes, of which [<see cref="UnencodedOffset"/>, + <see cref="FileExtent.Length"/>)
/// are the file's bytes [<see cref="FileExtent.Offset"/>, <see cref="FileExtent.End"/>). A slice moves
/// <see cref="UnencodedOffset"/>, as btrfs's own file extent items do.
/// </summary>
internal sealed record EncodedExtent(
    long Offset,
    long Length,
    int Stream,
    long Data,
    long EncodedLength,
    int Compression,
    long UnencodedLength,
    long UnencodedOffset
) : FileExtent(Offset, Length)
{
    public override FileExtent Slice(long from, long to) =>
        this with
        {
            Offset = from,
            Length = to - from,
            UnencodedOffset = UnencodedOffset + (from - Offset),
        };
}
