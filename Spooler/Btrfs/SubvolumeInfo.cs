namespace BtrfsToS3.Spooler.Btrfs;

/// <summary>What <c>btrfs subvolume show</c> tells us about a subvolume.</summary>
internal sealed record SubvolumeInfo(string Uuid, bool ReadOnly);
