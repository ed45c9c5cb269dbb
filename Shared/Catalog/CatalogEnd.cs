namespace BtrfsToS3.Shared.Catalog;

/// <summary>A catalog's last line: the stream's command count and length in bytes.</summary>
internal sealed record CatalogEnd(long Commands, long StreamBytes);
