namespace BtrfsToS3.Shared.Catalog;

/// <summary><c>encoded_write</c>: file bytes [<see cref="Offset"/>, + <see cref="UnencodedFileLength"/>) from the
/// <see cref="Length"/> encoded stream bytes at <see cref="Data"/> (see <see cref="EncodedExtent"/>).</summary>
internal sealed record EncodedWriteCommand(
    int Line,
    string Op,
    CatalogPath Path,
    long Offset,
    long UnencodedFileLength,
    long UnencodedLength,
    long UnencodedOffset,
    int Compression,
    long Data,
    long Length
) : CatalogCommand(Line, Op, Path);
