namespace BtrfsToS3.Shared.Catalog;

/// <summary>File bytes [<see cref="FileOffset"/>, + <see cref="Length"/>) are stream bytes [<see
/// cref="StreamOffset"/>, + <see cref="Length"/>), byte for byte.</summary>
internal readonly record struct StreamRun(long FileOffset, long StreamOffset, long Length);
