namespace BtrfsToS3.Uploader.S3;

/// <summary>A version of an object in a versioned bucket: its id and when it was written (delete markers are not
/// listed).</summary>
internal sealed record ObjectVersion(string VersionId, DateTimeOffset LastModified);
