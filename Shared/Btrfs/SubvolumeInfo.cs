namespace BtrfsToS3.Shared.Btrfs;

/// <summary>
/// What <c>btrfs subvolume show</c> tells us about a subvolume. ReceivedUuid is the UUID of the snapshot a
/// <c>btrfs receive</c> made it from, null for one that was not received (btrfs prints "-").
/// </summary>
internal sealed record SubvolumeInfo(string Uuid, bool ReadOnly, string? ReceivedUuid);
