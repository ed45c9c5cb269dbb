namespace BtrfsToS3.Uploader.S3;

/// <summary>
/// S3 no longer knows the multipart upload (404 NoSuchUpload): it was aborted (by the bucket's lifecycle rule, or by
/// hand) or completed by an earlier attempt whose answer was lost. What to do next is the caller's to decide.
/// </summary>
internal sealed class UploadGoneException(string key, string uploadId)
    : Exception($"S3 no longer knows multipart upload {uploadId} of {key}");
