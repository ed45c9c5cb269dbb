namespace BtrfsToS3.Uploader.S3;

/// <summary>
/// How a file is uploaded: as a single PUT when it is at most PartSize bytes, else in PartSize parts with up to
/// Concurrency in flight; its storage class, and its SHA-256 as metadata.
/// </summary>
internal sealed record FileUpload(long PartSize, int Concurrency, string StorageClass, string Sha256)
{
    /// <summary>The user metadata (x-amz-meta-sha256) that carries a chunk object's SHA-256.</summary>
    public const string Sha256Metadata = "sha256";
}
