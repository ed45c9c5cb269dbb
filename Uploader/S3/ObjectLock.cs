namespace BtrfsToS3.Uploader.S3;

/// <summary>An S3 Object Lock retention to write an object with: its mode (GOVERNANCE or COMPLIANCE) and retain-until
/// date.</summary>
internal sealed record ObjectLock(string Mode, DateTimeOffset RetainUntil);
