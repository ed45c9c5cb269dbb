using System.Globalization;

namespace BtrfsToS3.Uploader.Plan;

/// <summary>
/// What downloading archived streams costs, in USD: thawing them (retrieval per GB, a restore request per object), the
/// GETs of the download, internet egress, and the thawed copies, which S3 bills as Standard storage beside the archived
/// objects for the days they are kept. Egress dwarfs the rest: a restore of 5 TiB pays some 36 times its retrieval fee.
/// </summary>
/// <param name="Bytes">Bytes thawed and downloaded.</param>
/// <param name="Objects">Archived objects thawed: a restore request each.</param>
/// <param name="GetRequests">GET requests of the download.</param>
/// <param name="Days">Days the thawed copies are kept ([restore] days).</param>
internal sealed record RestoreCost(
    long Bytes,
    long Objects,
    long GetRequests,
    int Days,
    decimal Retrieval,
    decimal Requests,
    decimal Egress,
    decimal TemporaryStorage
)
{
    public decimal Total => Retrieval + Requests + Egress + TemporaryStorage;

    public static RestoreCost Of(long bytes, long objects, long getRequests, int days, PriceOptions prices)
    {
        decimal gb = bytes / CostPlan.BytesPerGb;
        return new RestoreCost(
            bytes,
            objects,
            getRequests,
            days,
            Math.Round(gb * prices.RetrievalPerGb, 4),
            Math.Round(((objects * prices.RetrievalRequestsPer1000) + (getRequests * prices.GetPer1000)) / 1000m, 4),
            Math.Round(gb * prices.EgressPerGb, 4),
            Math.Round(gb * prices.RestoredCopyPerGbMonth * days / CostPlan.DaysPerMonth, 4)
        );
    }

    /// <summary>One line for the log and the plan: each part, then the sum.</summary>
    public override string ToString() =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"${Retrieval:0.00} retrieval, ${Requests:0.00} requests, ${Egress:0.00} egress, ${TemporaryStorage:0.00} temporary copies for {Days} days: ${Total:0.00}"
        );
}
