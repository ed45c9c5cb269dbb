using BtrfsToS3.Shared.Publishing;

namespace BtrfsToS3.Uploader.Repository;

/// <summary>
/// A pointer as read from S3, with the ETag that a conditional rewrite of it names (If-Match), and the public key that
/// signed it (null where it is unsigned and the reader's <see cref="SignaturePolicy"/> took it so).
/// </summary>
internal sealed record StoredPointer(Pointer Pointer, string Etag, string? SignedBy = null);
