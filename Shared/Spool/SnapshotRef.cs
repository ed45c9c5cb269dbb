namespace BtrfsToS3.Shared.Spool;

/// <summary>A snapshot by name (in the snapshot directory) and btrfs UUID, which together say it is the same
/// one.</summary>
internal sealed record SnapshotRef(string Name, string Uuid);
