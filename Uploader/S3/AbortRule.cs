namespace BtrfsToS3.Uploader.S3;

/// <summary>
/// The bucket's lifecycle rule that aborts incomplete multipart uploads under a prefix: its id and days, or, when there
/// is none, the error code S3 answered with (NoSuchLifecycleConfiguration, NotImplemented, AccessDenied) or null.
/// </summary>
internal sealed record AbortRule(string? Id, int Days, string? ErrorCode);
