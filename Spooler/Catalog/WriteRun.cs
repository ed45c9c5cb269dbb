using BtrfsToS3.Shared.SendStream;

namespace BtrfsToS3.Spooler.Catalog;

/// <summary>
/// Consecutive write commands of one file, as one catalog line: <see cref="Length"/> file bytes from
/// <see cref="Offset"/>, in pieces of <see cref="Piece"/> bytes (the last one fewer) whose data lies
/// <see cref="Stride"/> stream bytes apart from <see cref="Data"/> on.
/// </summary>
internal readonly record struct WriteRun(
    string Path,
    long Offset,
    long Length,
    long Data,
    int Piece,
    long Stride,
    int LastPiece,
    long LastData,
    long Pieces
)
{
    public static WriteRun Start(string path, long offset, SendDataRange data) =>
        new(path, offset, data.Length, data.StreamOffset, data.Length, 0, data.Length, data.StreamOffset, 1);

    /// <summary>
    /// True when the write goes on where the run ends in the file, every piece so far was whole, it is no longer than a
    /// piece, and its data lies at the run's stride (the second piece sets the stride). The path is compared by
    /// reference first: the parser hands the same string for a repeated path.
    /// </summary>
    public bool Extends(string path, long offset, SendDataRange data) =>
        (ReferenceEquals(path, Path) || string.Equals(path, Path, StringComparison.Ordinal))
        && offset == Offset + Length
        && LastPiece == Piece
        && data.Length <= Piece
        && data.Length > 0
        && (Pieces == 1 ? data.StreamOffset > LastData : data.StreamOffset == LastData + Stride);

    public WriteRun With(SendDataRange data) =>
        this with
        {
            Length = Length + data.Length,
            Stride = Pieces == 1 ? data.StreamOffset - Data : Stride,
            LastPiece = data.Length,
            LastData = data.StreamOffset,
            Pieces = Pieces + 1,
        };
}
