namespace BtrfsToS3.Shared.Configuration;

/// <summary>Where read-only snapshots are made (on the same btrfs filesystem as the subvolumes) and how many
/// stay.</summary>
/// <param name="Dir">[snapshots] dir: an absolute path. No default: it must be on the subvolumes' filesystem, which
/// only the user knows.</param>
/// <param name="Retention">[snapshots] retention: <c>minimal</c> or <c>keep_last:N</c> (N from 1 to 10000). Default
/// <c>minimal</c>.</param>
internal sealed record SnapshotOptions(string Dir, LocalRetention Retention)
{
    /// <summary>Reads and checks [snapshots].</summary>
    public static SnapshotOptions Read(ConfigSection section) =>
        new(section.AbsolutePath("dir"), section.Retention("retention"));

    /// <summary>Where the snapshot of that name is (or would be) in the snapshot directory.</summary>
    public string PathOf(string snapshotName) => IO.ContainedPath.Join(Dir, snapshotName, "snapshot");
}
