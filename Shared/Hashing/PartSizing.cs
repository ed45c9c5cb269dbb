using BtrfsToS3.Shared.Configuration;

namespace BtrfsToS3.Shared.Hashing;

/// <summary>
/// The part size a chunk is uploaded with. The spooler hashes parts with it and the uploader must upload with it,
/// or the ETag S3 reports would not match the one recorded; so it is fixed in the stream's header.
/// </summary>
internal static class PartSizing
{
    /// <summary>
    /// The configured part size, raised (to a whole MiB) where a chunk would otherwise need more than S3's 10,000 parts.
    /// </summary>
    public static long Effective(long chunkSize, long configuredPartSize)
    {
        long needed = (chunkSize + ConfigLoader.MaxPartsPerUpload - 1) / ConfigLoader.MaxPartsPerUpload;
        long neededWholeMiB = (needed + ByteSize.MiB - 1) / ByteSize.MiB * ByteSize.MiB;
        return Math.Max(configuredPartSize, neededWholeMiB);
    }

    /// <summary>Chunks up to one part are sent as a single PUT; larger ones as a multipart upload of full parts and a shorter last.</summary>
    public static int PartCount(long chunkSize, long partSize) =>
        chunkSize <= partSize ? 1 : checked((int)((chunkSize + partSize - 1) / partSize));
}
