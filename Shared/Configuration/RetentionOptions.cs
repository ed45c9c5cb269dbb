namespace BtrfsToS3.Shared.Configuration;

/// <summary>
/// S3 retention: how many generations stay once a newer full is published, and how old a generation's newest object
/// must be before it may be deleted (Deep Archive bills 180 days for an object deleted earlier).
/// </summary>
internal sealed record RetentionOptions(int KeepGenerations, int MinAgeDays);
