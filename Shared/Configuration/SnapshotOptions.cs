namespace BtrfsToS3.Shared.Configuration;

/// <summary>Where read-only snapshots are made (on the same btrfs filesystem as the subvolumes) and how many stay.</summary>
internal sealed record SnapshotOptions(string Dir, LocalRetention Retention);
