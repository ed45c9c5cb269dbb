namespace BtrfsToS3.Uploader.S3;

/// <summary>An object found by listing: its key, size and when it was last written.</summary>
internal sealed record StoredObject(string Key, long Size, DateTimeOffset LastModified);
