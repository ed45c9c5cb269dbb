namespace BtrfsToS3.Uploader.S3;

/// <summary>
/// A version found by listing a versioned bucket: its key, id, size and when it was written; a delete marker (what a
/// DeleteObject without a version leaves there) has no bytes.
/// </summary>
internal sealed record StoredVersion(
    string Key,
    string VersionId,
    long Size,
    DateTimeOffset LastModified,
    bool IsDeleteMarker
);
