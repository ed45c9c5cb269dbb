namespace BtrfsToS3.Uploader.S3;

/// <summary>
/// How an object is written: its storage class and content type, and S3's conditional write (S3 user guide, "Add
/// preconditions to S3 operations with conditional requests"): with IfNoneMatch only if the key is free
/// (<c>If-None-Match: *</c>), with IfMatch only if the object there still has that ETag; with Lock, under S3 Object
/// Lock until its date. Every object gets SSE-S3.
/// </summary>
/// <param name="Signature">Stored as the object's <see cref="SignatureMetadata"/> (docs/FORMAT.md, "Signatures"); null
/// for none.</param>
internal sealed record ObjectWrite(
    string StorageClass,
    string ContentType,
    bool IfNoneMatch,
    string? IfMatch = null,
    ObjectLock? Lock = null,
    string? Signature = null
)
{
    /// <summary>The user metadata (<c>x-amz-meta-signature</c>) a pointer's and a manifest's signature is stored
    /// in.</summary>
    public const string SignatureMetadata = "x-amz-meta-signature";

    public bool Conditional => IfNoneMatch || IfMatch is not null;
}
