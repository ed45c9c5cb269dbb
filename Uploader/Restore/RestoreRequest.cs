namespace BtrfsToS3.Uploader.Restore;

/// <summary>
/// What to restore: a subvolume's chain (of a generation, up to a snapshot) into a target, or only dumped; RequestOnly
/// asks S3 to thaw archived chunks and reports, Wait waits for the thaw instead of exiting 75.
/// </summary>
internal sealed record RestoreRequest(string Subvolume, string? Target, string? Generation, string? Until, bool DumpOnly, bool RequestOnly, bool Wait);
