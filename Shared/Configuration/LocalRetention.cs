namespace BtrfsToS3.Shared.Configuration;

/// <summary>
/// Which local snapshots survive a run: <c>minimal</c> keeps only what the next incremental needs (KeepLast = 1)
/// plus snapshots whose streams are still in the spool; <c>keep_last:N</c> keeps the N newest published ones.
/// </summary>
internal sealed record LocalRetention(int KeepLast)
{
    public static readonly LocalRetention Minimal = new(1);

    public override string ToString() => KeepLast == 1 ? "minimal" : $"keep_last:{KeepLast}";
}
