namespace BtrfsToS3.Shared.Configuration;

/// <summary>One configured subvolume: its name (used in snapshot, stream and S3 key names) and its mount path.</summary>
internal sealed record SubvolumeOptions(string Name, string Path);
