namespace BtrfsToS3.Shared.Catalog;

/// <summary>
/// A run of a regular file's bytes, [<see cref="Offset"/>, <see cref="End"/>), and where in which stream of the chain
/// they lie. A file's extents never overlap; where none is, the file reads zeros (a hole).
/// </summary>
internal abstract record FileExtent(long Offset, long Length)
{
    public long End => Offset + Length;

    /// <summary>This extent's bytes [<paramref name="from"/>, <paramref name="to"/>), a range within it, as an extent
    /// of their own.</summary>
    public abstract FileExtent Slice(long from, long to);
}
