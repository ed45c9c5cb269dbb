namespace BtrfsToS3.Shared.Catalog;

/// <summary>A time as btrfs keeps it: seconds since 1970 (negative before), and nanoseconds within the
/// second.</summary>
internal readonly record struct InodeTime(long Seconds, int Nanoseconds);
