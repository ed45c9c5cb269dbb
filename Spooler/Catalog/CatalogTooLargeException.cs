using BtrfsToS3.Shared.Spool;

namespace BtrfsToS3.Spooler.Catalog;

/// <summary>The catalog passed <see cref="CatalogRecord.MaxSize"/>: the stream is sealed without one.</summary>
internal sealed class CatalogTooLargeException()
    : Exception($"the catalog passed {CatalogRecord.MaxSize} bytes, the most a catalog may hold");
