namespace BtrfsToS3.Shared.Configuration;

/// <summary>The bucket and how objects are written to it.</summary>
internal sealed record S3Options(
    string Bucket,
    string Region,
    string Prefix,
    string Endpoint,
    string StorageClassData,
    string StorageClassMetadata,
    int Concurrency,
    long PartSize);
