using BtrfsToS3.Shared.Publishing;

namespace BtrfsToS3.Uploader.Repository;

/// <summary>A pointer as read from S3, with the ETag that a conditional rewrite of it names (If-Match).</summary>
internal sealed record StoredPointer(Pointer Pointer, string Etag);
