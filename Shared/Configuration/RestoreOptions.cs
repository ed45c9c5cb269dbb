namespace BtrfsToS3.Shared.Configuration;

/// <summary>
/// How archived chunks are thawed for a restore: the retrieval tier (Bulk, Standard or Expedited), how many days the
/// thawed copy stays readable, and how often <c>restore --wait</c> looks whether the thaw is done.
/// </summary>
/// <param name="Tier">[restore] tier: Bulk, Standard or Expedited. Default Bulk.</param>
/// <param name="Days">[restore] days: from 1 to 365. Default 7.</param>
/// <param name="PollInterval">[restore] poll_interval: from 1s to 1d. Default 15m.</param>
internal sealed record RestoreOptions(string Tier, int Days, TimeSpan PollInterval)
{
    /// <summary>Reads and checks [restore].</summary>
    public static RestoreOptions Read(ConfigSection section) => new(
        section.Choice("tier", "Bulk", "Standard", "Expedited"),
        section.Integer("days", min: 1, max: 365),
        section.Duration("poll_interval", TimeSpan.FromSeconds(1), TimeSpan.FromDays(1)));
}
