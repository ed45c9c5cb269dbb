namespace BtrfsToS3.Shared.Catalog;

/// <summary><c>fallocate</c>, with fallocate(2)'s mode: 0 allocates (and may grow the file),
/// <see cref="KeepSize"/> allocates within it, <see cref="PunchHole"/> with <see cref="KeepSize"/> makes a
/// hole.</summary>
internal sealed record FallocateCommand(int Line, string Op, CatalogPath Path, int Mode, long Offset, long Length)
    : CatalogCommand(Line, Op, Path)
{
    /// <summary>FALLOC_FL_KEEP_SIZE.</summary>
    public const int KeepSize = 0x01;

    /// <summary>FALLOC_FL_PUNCH_HOLE.</summary>
    public const int PunchHole = 0x02;
}
