namespace BtrfsToS3.Shared.Catalog;

/// <summary><c>enable_verity</c>.</summary>
internal sealed record EnableVerityCommand(int Line, string Op, CatalogPath Path, VeritySettings Settings)
    : CatalogCommand(Line, Op, Path);
