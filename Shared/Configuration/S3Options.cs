using BtrfsToS3.Shared.Hashing;

namespace BtrfsToS3.Shared.Configuration;

/// <summary>
/// The bucket and how objects are written to it. ChecksumsWhenRequiredOnly is the compatibility setting for S3 servers
/// that reject the SDK's flexible checksums (Ceph RGW 16): no checksum on the wire unless the operation requires one.
/// RequestTimeout bounds one request, a whole part upload included: it is how long a stalled connection goes unnoticed.
/// </summary>
/// <param name="Bucket">[s3] bucket: empty or an S3 bucket name. Default empty (the uploader refuses to run without
/// one).</param>
/// <param name="Region">[s3] region: free text. Default empty (the SDK's default chain).</param>
/// <param name="Prefix">[s3] prefix: empty or ending with '/'. Default <c>backup/data/</c>.</param>
/// <param name="Endpoint">[s3] endpoint: empty or an http:// or https:// URL. Default empty (AWS).</param>
/// <param name="StorageClassData">[s3] storage_class_data: one of <see cref="S3Limits.StorageClasses"/>. Default
/// DEEP_ARCHIVE.</param>
/// <param name="StorageClassMetadata">[s3] storage_class_metadata: one of <see cref="S3Limits.StorageClasses"/> but the
/// archive ones. Default STANDARD.</param>
/// <param name="Concurrency">[s3] concurrency: from 1 to 256. Default 16.</param>
/// <param name="PartSize">[s3] part_size: from 5MiB to 5GiB and at most 10,000 parts per chunk. Default 64MiB.</param>
/// <param name="RequestTimeout">[s3] request_timeout: from 1s to 1d. Default 15m.</param>
/// <param name="ChecksumsWhenRequiredOnly">[s3] request_checksum_calculation = when_required (else when_supported).
/// Default when_supported.</param>
/// <param name="ObjectLock">[s3] object_lock: off (null), governance or compliance (GOVERNANCE, COMPLIANCE: S3's
/// modes). Default off.</param>
/// <param name="LockMargin">[s3] lock_margin: from 0s to 3650d. Default 30d.</param>
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
    bool ChecksumsWhenRequiredOnly,
    string? ObjectLock,
    TimeSpan LockMargin
)
{
    /// <summary>Reads and checks [s3].</summary>
    /// <param name="section">The [s3] section.</param>
    /// <param name="chunkSize"> The most bytes a chunk takes as stored ([spool] chunk_size, already checked, and its
    /// encoding). The one rule across two sections lives here rather than in the loader or in
    /// <see cref="SpoolOptions"/>: it is S3's limit on parts, beside S3's other limits, and the key to change is
    /// part_size, which the error names.
    /// </param>
    public static S3Options Read(ConfigSection section, long chunkSize)
    {
        var s3 = new S3Options(
            Bucket: section.BucketName("bucket"),
            Region: section.Text("region"),
            Prefix: section.Prefix("prefix"),
            Endpoint: section.Endpoint("endpoint"),
            StorageClassData: section.StorageClass("storage_class_data"),
            StorageClassMetadata: section.StorageClass("storage_class_metadata"),
            Concurrency: section.Integer("concurrency", min: 1, max: 256),
            PartSize: section.Size("part_size", min: S3Limits.MinPartSize, max: S3Limits.MaxPartSize),
            RequestTimeout: section.Duration("request_timeout", TimeSpan.FromSeconds(1), TimeSpan.FromDays(1)),
            ChecksumsWhenRequiredOnly: section.Choice("request_checksum_calculation", "when_supported", "when_required")
                == "when_required",
            ObjectLock: section.Choice("object_lock", "off", "governance", "compliance") is var mode && mode == "off"
                ? null
                : mode.ToUpperInvariant(),
            LockMargin: section.Duration("lock_margin", TimeSpan.Zero, TimeSpan.FromDays(3650))
        );

        if (S3Limits.ArchiveStorageClasses.Contains(s3.StorageClassMetadata))
        {
            // A GET of an object in these classes fails until it is thawed (hours): no run could read a pointer.
            throw section.Error(
                "storage_class_metadata",
                $"{s3.StorageClassMetadata} cannot be read without a thaw of hours, and every run reads manifests and pointers: use a class read at once (STANDARD, or STANDARD_IA, GLACIER_IR)"
            );
        }

        long partsPerChunk = PartSizing.PartCount(chunkSize, s3.PartSize);
        if (partsPerChunk > S3Limits.MaxPartsPerUpload)
        {
            // Rejected rather than raised behind the user's back: the part size is fixed in every stream's header
            // and decides the ETags, so it must be the number the configuration says.
            long needed = (chunkSize + S3Limits.MaxPartsPerUpload - 1) / S3Limits.MaxPartsPerUpload;
            throw section.Error(
                "part_size",
                $"{ByteSize.Format(s3.PartSize)} cuts a chunk of {ByteSize.Format(chunkSize)} (chunk_size) into {partsPerChunk} parts; S3 allows {S3Limits.MaxPartsPerUpload}: set part_size to at least {ByteSize.Format((needed + ByteSize.MiB - 1) / ByteSize.MiB * ByteSize.MiB)}"
            );
        }

        return s3;
    }
}
