namespace BtrfsToS3.Shared.Btrfs;

/// <summary>
/// What <c>btrfs subvolume show</c> tells us about a subvolume. ParentUuid is the UUID of the subvolume a snapshot was
/// taken of; ReceivedUuid that of the snapshot a <c>btrfs receive</c> made it from; each null where there is none
/// (btrfs prints "-").
/// </summary>
internal sealed record SubvolumeInfo(string Uuid, bool ReadOnly, string? ParentUuid, string? ReceivedUuid);
