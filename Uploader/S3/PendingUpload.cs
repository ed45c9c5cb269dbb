namespace BtrfsToS3.Uploader.S3;

/// <summary>A multipart upload S3 holds open: its key, id and when it was started.</summary>
internal sealed record PendingUpload(string Key, string UploadId, DateTimeOffset? Initiated);
