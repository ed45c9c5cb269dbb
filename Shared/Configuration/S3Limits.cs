namespace BtrfsToS3.Shared.Configuration;

/// <summary>
/// Facts about S3 that bound what the configuration may ask for. They are S3's, not this tool's choices, so the options
/// records reject a value beyond them instead of clamping it.
/// </summary>
internal static class S3Limits
{
    /// <summary>S3 accepts at most this many parts in one multipart upload.</summary>
    public const int MaxPartsPerUpload = 10_000;

    /// <summary>The smallest part S3 accepts in a multipart upload (every part but the last).</summary>
    public const long MinPartSize = 5 * ByteSize.MiB;

    /// <summary>The largest part S3 accepts in a multipart upload.</summary>
    public const long MaxPartSize = 5 * ByteSize.GiB;

    /// <summary>The largest object S3 stores.</summary>
    public const long MaxChunkSize = 5 * ByteSize.TiB;

    /// <summary>The storage classes a PUT may name.</summary>
    public static readonly IReadOnlySet<string> StorageClasses = new HashSet<string>(StringComparer.Ordinal)
    {
        "STANDARD",
        "REDUCED_REDUNDANCY",
        "STANDARD_IA",
        "ONEZONE_IA",
        "INTELLIGENT_TIERING",
        "GLACIER",
        "GLACIER_IR",
        "DEEP_ARCHIVE",
    };

    /// <summary>
    /// The classes whose objects must be thawed (RestoreObject) before a GET: S3 answers 403 InvalidObjectState until
    /// then (S3 user guide, "Working with archived objects"). GLACIER_IR is read at once.
    /// </summary>
    public static readonly IReadOnlySet<string> ArchiveStorageClasses = new HashSet<string>(StringComparer.Ordinal)
    {
        "GLACIER",
        "DEEP_ARCHIVE",
    };
}
