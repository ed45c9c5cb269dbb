namespace BtrfsToS3.Shared.Configuration;

/// <summary>
/// How archived chunks are thawed for a restore: the retrieval tier (Bulk, Standard or Expedited), how many days the
/// thawed copy stays readable, and how often <c>restore --wait</c> looks whether the thaw is done.
/// </summary>
internal sealed record RestoreOptions(string Tier, int Days, TimeSpan PollInterval);
