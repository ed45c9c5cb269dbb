namespace BtrfsToS3.Shared.Catalog;

/// <summary>
/// File bytes written as they are (<c>write</c>): they lie in stream <see cref="Stream"/> of the chain. Where they came
/// from one write command (<see cref="Piece"/> 0), byte <c>Offset + i</c> is stream byte <c>Data + i</c>. Where they
/// came from a run of write commands, each carrying <see cref="Piece"/> bytes whose data lie <see cref="Stride"/>
/// stream bytes apart, the extent may begin <see cref="Skip"/> bytes into its first piece (once sliced), and byte
/// <c>Offset + i</c> is stream byte <c>Data + ((Skip + i) / Piece) * Stride + (Skip + i) % Piece</c>: a slice keeps
/// that arithmetic exact without splitting the run.
/// </summary>
internal sealed record DataExtent(long Offset, long Length, int Stream, long Data, long Piece, long Stride, long Skip)
    : FileExtent(Offset, Length)
{
    /// <summary>Where file byte <paramref name="fileOffset"/>, within this extent, lies in the stream.</summary>
    public long StreamOffset(long fileOffset)
    {
        long i = fileOffset - Offset;
        return Piece == 0 ? Data + i : Data + ((Skip + i) / Piece * Stride) + ((Skip + i) % Piece);
    }

    /// <summary>The extent as runs of contiguous stream bytes, in file order.</summary>
    public IEnumerable<StreamRun> Runs()
    {
        if (Piece == 0)
        {
            yield return new StreamRun(Offset, Data, Length);
            yield break;
        }

        long done = 0;
        while (done < Length)
        {
            long run = Math.Min(Piece - ((Skip + done) % Piece), Length - done);
            yield return new StreamRun(Offset + done, StreamOffset(Offset + done), run);
            done += run;
        }
    }

    public override FileExtent Slice(long from, long to)
    {
        long skipped = from - Offset;
        return Piece == 0
            ? this with
            {
                Offset = from,
                Length = to - from,
                Data = Data + skipped,
            }
            : this with
            {
                Offset = from,
                Length = to - from,
                Data = Data + ((Skip + skipped) / Piece * Stride),
                Skip = (Skip + skipped) % Piece,
            };
    }
}
