namespace BtrfsToS3.Uploader.S3;

/// <summary>
/// An object S3 took: the version it made of it in a versioned bucket (what a commit names, so that a reader finds
/// this version even after the key is written over), null where the bucket keeps no versions.
/// </summary>
internal sealed record ObjectWritten(string? VersionId);
