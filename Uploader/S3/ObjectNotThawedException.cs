namespace BtrfsToS3.Uploader.S3;

/// <summary>A GET of an object in an archive storage class that is not thawed (403 InvalidObjectState).</summary>
internal sealed class ObjectNotThawedException(string address)
    : Exception($"{address} is in an archive storage class and not thawed")
{
    public string Address { get; } = address;
}
