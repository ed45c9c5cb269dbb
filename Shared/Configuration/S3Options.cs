namespace BtrfsToS3.Shared.Configuration;

/// <summary>
/// The bucket and how objects are written to it. ChecksumsWhenRequiredOnly is the compatibility setting for S3 servers
/// that reject the SDK's flexible checksums (Ceph RGW 16): no checksum on the wire unless the operation requires one.
/// RequestTimeout bounds one request, a whole part upload included: it is how long a stalled connection goes unnoticed.
/// </summary>
internal sealed record S3Options(
    string Bucket,
    string Region,
    string Prefix,
    string Endpoint,
    string StorageClassData,
    string StorageClassMetadata,
    int Concurrency,
    long PartSize,
    TimeSpan RequestTimeout,
    bool ChecksumsWhenRequiredOnly);
