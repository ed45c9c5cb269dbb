namespace BtrfsToS3.Uploader.S3;

/// <summary>A lifecycle rule's move of objects to another storage class, after days or on a date.</summary>
internal sealed record BucketTransition(string StorageClass, int? Days, DateTime? Date)
{
    public override string ToString() =>
        $"to {StorageClass} "
        + (
            Days is { } days ? $"after {days} days"
            : Date is { } date ? $"on {date:yyyy-MM-dd}"
            : "at once"
        );
}
