namespace BtrfsToS3.Shared.Configuration;

/// <summary>
/// Prices for the cost plan, in USD, defaulting to S3 Glacier Deep Archive's: storage per GB-month, PUT-class
/// requests per 1,000, the minimum storage duration billed for an object deleted earlier, and the per-object
/// overhead S3 bills for an archived object (index and metadata); and what thawing costs (Bulk retrieval).
/// </summary>
internal sealed record PriceOptions(
    decimal StoragePerGbMonth,
    decimal PutPer1000,
    int MinStorageDays,
    int ObjectOverheadKb,
    decimal RetrievalPerGb,
    decimal RetrievalRequestsPer1000);
