using BtrfsToS3.Shared.Format;

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
    IReadOnlyList<int> ConfirmedParts
) : IFormatVersioned
{
    /// <summary>A key of its chunk, an upload id S3 could have given, and part numbers in order within S3's
    /// range.</summary>
    public void Validate(FieldCheck check)
    {
        check.That(Index >= 0, "index", Index, "must not be negative");
        check.That(
            Key is not null
                && Key.Length <= FormatGrammar.MaxKeyLength
                && Key.EndsWith("/" + FormatGrammar.ChunkName(Index), StringComparison.Ordinal),
            "key",
            Key,
            $"is not a key of {FormatGrammar.ChunkName(Index)}"
        );
        check.Text(UploadId, "upload_id", FormatGrammar.S3Id, "is not an S3 upload id");
        check.That(
            ConfirmedParts is not null && ConfirmedParts.Count <= Configuration.S3Limits.MaxPartsPerUpload,
            "confirmed_parts",
            ConfirmedParts?.Count,
            "must be a list of at most 10,000 parts"
        );
        for (int i = 0; i < ConfirmedParts!.Count; i++)
        {
            check.That(
                ConfirmedParts[i] is >= 1 and <= Configuration.S3Limits.MaxPartsPerUpload
                    && (i == 0 || ConfirmedParts[i] > ConfirmedParts[i - 1]),
                $"confirmed_parts[{i}]",
                ConfirmedParts[i],
                "is not a part number from 1 to 10,000 after the one before"
            );
        }
    }
}
