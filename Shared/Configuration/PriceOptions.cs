namespace BtrfsToS3.Shared.Configuration;

/// <summary>
/// Prices for the cost plan, in USD, defaulting to S3 Glacier Deep Archive's in us-east-1: storage per GB-month,
/// PUT-class requests per 1,000, the minimum storage duration billed for an object deleted earlier, and the per-object
/// overhead S3 bills for an archived object (index and metadata); and what a restore costs: thawing (the Bulk tier's
/// retrieval and restore requests), GETs, internet egress, and the thawed copies, billed as S3 Standard storage on
/// top of the archived objects for the days they are kept.
/// </summary>
/// <param name="StoragePerGbMonth">[prices] storage_per_gb_month: a price. Default 0.00099.</param>
/// <param name="PutPer1000">[prices] put_per_1000: a price. Default 0.05.</param>
/// <param name="MinStorageDays">[prices] min_storage_days: from 0 to 3650. Default 180.</param>
/// <param name="ObjectOverheadKb">[prices] object_overhead_kb: from 0 to 1024. Default 40.</param>
/// <param name="RetrievalPerGb">[prices] retrieval_per_gb: a price. Default 0.0025.</param>
/// <param name="RetrievalRequestsPer1000">[prices] retrieval_requests_per_1000: a price. Default 0.025.</param>
/// <param name="GetPer1000">[prices] get_per_1000: a price. Default 0.0004.</param>
/// <param name="EgressPerGb">[prices] egress_per_gb: a price. Default 0.09.</param>
/// <param name="RestoredCopyPerGbMonth">[prices] restored_copy_per_gb_month: a price. Default 0.023.</param>
internal sealed record PriceOptions(
    decimal StoragePerGbMonth,
    decimal PutPer1000,
    int MinStorageDays,
    int ObjectOverheadKb,
    decimal RetrievalPerGb,
    decimal RetrievalRequestsPer1000,
    decimal GetPer1000,
    decimal EgressPerGb,
    decimal RestoredCopyPerGbMonth
)
{
    /// <summary>Reads and checks [prices].</summary>
    public static PriceOptions Read(ConfigSection section) =>
        new(
            section.Price("storage_per_gb_month"),
            section.Price("put_per_1000"),
            section.Integer("min_storage_days", min: 0, max: 3650),
            section.Integer("object_overhead_kb", min: 0, max: 1024),
            section.Price("retrieval_per_gb"),
            section.Price("retrieval_requests_per_1000"),
            section.Price("get_per_1000"),
            section.Price("egress_per_gb"),
            section.Price("restored_copy_per_gb_month")
        );
}
