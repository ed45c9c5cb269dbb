namespace BtrfsToS3.Shared.SendStream;

/// <summary>A time as a send stream carries it (timespec: le64 seconds since the epoch, le32 nanoseconds).</summary>
/// <param name="Seconds">Signed: btrfs keeps times before 1970 as the kernel's signed time64.</param>
internal readonly record struct SendTimestamp(long Seconds, uint Nanoseconds);
