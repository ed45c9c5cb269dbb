namespace BtrfsToS3.Shared.Catalog;

/// <summary>
/// <c>write</c>: file bytes [<see cref="Offset"/>, + <see cref="Length"/>) lie in the stream from <see cref="Data"/>;
/// where they came from a run of write commands, each but the last carries <see cref="Piece"/> bytes and their data
/// lie <see cref="Stride"/> stream bytes apart (both 0 for one command).
/// </summary>
internal sealed record WriteCommand(
    int Line,
    string Op,
    CatalogPath Path,
    long Offset,
    long Length,
    long Data,
    long Piece,
    long Stride
) : CatalogCommand(Line, Op, Path);
