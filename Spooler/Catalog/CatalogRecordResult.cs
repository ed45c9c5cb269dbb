using BtrfsToS3.Shared.Spool;

namespace BtrfsToS3.Spooler.Catalog;

/// <summary>What making a catalog came to: the record the seal names, or why there is none.</summary>
internal sealed record CatalogRecordResult(CatalogRecord? Record, string? Abandoned);
