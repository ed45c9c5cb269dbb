namespace BtrfsToS3.Shared.Spool;

/// <summary>
/// Where a nested subvolume lies: In, the configured subvolume it was found in (at any depth), and Path, its path
/// relative to that one's mount path, '/'-separated (docs/FORMAT.md, "Nested subvolumes").
/// </summary>
internal sealed record NestedPlace(string In, string Path);
