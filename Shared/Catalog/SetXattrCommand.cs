using System.Collections.Immutable;

namespace BtrfsToS3.Shared.Catalog;

/// <summary><c>set_xattr</c>.</summary>
internal sealed record SetXattrCommand(
    int Line,
    string Op,
    CatalogPath Path,
    EntryName Name,
    ImmutableArray<byte> Value
) : CatalogCommand(Line, Op, Path);
