namespace BtrfsToS3.Uploader.Status;

/// <summary>A generation's Object Lock as its full's manifest carries it: mode and date, or none (both null).</summary>
internal sealed record GenerationLock(string Generation, string? Mode, DateTimeOffset? Until);
