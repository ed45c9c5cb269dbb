namespace BtrfsToS3.Uploader.S3;

/// <summary>An object found by listing: its key and size.</summary>
internal sealed record StoredObject(string Key, long Size);
