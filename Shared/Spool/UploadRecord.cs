namespace BtrfsToS3.Shared.Spool;

/// <summary>
/// chunk-NNNNNN.upload.json: the multipart upload in progress for a ready chunk, so that an upload cut by an outage, a
/// kill or a reboot goes on where it stopped instead of from byte 0. Written atomically once S3 gave the upload id, and
/// again as parts are confirmed; removed with the chunk file. It is a hint, never proof: the uploader asks S3 for the
/// parts (ListParts) and keeps only those whose ETag is the MD5 the chunk record holds for them (docs/FORMAT.md,
/// "Resuming an upload").
/// </summary>
/// <param name="Key">The chunk object's key the upload is for.</param>
/// <param name="UploadId">S3's id of the multipart upload.</param>
/// <param name="StartedAt">When the upload was created.</param>
/// <param name="ConfirmedParts">Part numbers S3 answered with the expected ETag, in order.</param>
internal sealed record UploadRecord(
    int FormatVersion,
    int Index,
    string Key,
    string UploadId,
    DateTimeOffset StartedAt,
    IReadOnlyList<int> ConfirmedParts) : IFormatVersioned;
