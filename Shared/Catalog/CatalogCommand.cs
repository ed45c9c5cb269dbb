namespace BtrfsToS3.Shared.Catalog;

/// <summary>
/// One command line of a catalog (docs/FORMAT.md, "Catalog"): the send command <see cref="Op"/> names, on
/// <see cref="Path"/>, read from line <see cref="Line"/>, which every message about it names.
/// </summary>
internal abstract record CatalogCommand(int Line, string Op, CatalogPath Path);
