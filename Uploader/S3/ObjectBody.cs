namespace BtrfsToS3.Uploader.S3;

/// <summary>
/// An object's bytes with the ETag they were read with (what a conditional rewrite names, If-Match), in a versioned
/// bucket the version read, and the signature its writer stored beside it
/// (<see cref="ObjectWrite.SignatureMetadata"/>), null where it has none.
/// </summary>
internal sealed record ObjectBody(byte[] Bytes, string Etag, string? VersionId = null, string? Signature = null);
