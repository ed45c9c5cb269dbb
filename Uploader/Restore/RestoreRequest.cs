namespace BtrfsToS3.Uploader.Restore;

/// <summary>What to restore: a subvolume's chain (of a generation, up to a snapshot) into a target, or only dumped.</summary>
internal sealed record RestoreRequest(string Subvolume, string? Target, string? Generation, string? Until, bool DumpOnly);
