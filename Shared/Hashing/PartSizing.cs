namespace BtrfsToS3.Shared.Hashing;

/// <summary>
/// How a chunk is cut into upload parts. The spooler hashes parts with the configured part size and the uploader must
/// upload with it, or the ETag S3 reports would not match the one recorded; so it is fixed in the stream's header.
/// </summary>
internal static class PartSizing
{
    /// <summary>Chunks up to one part are sent as a single PUT; larger ones as a multipart upload of full parts and a
    /// shorter last.</summary>
    /// <summary>Whether a chunk of that size is cut into at most the parts S3 takes in one upload (10,000).</summary>
    public static bool FitsInParts(long chunkSize, long partSize) =>
        partSize >= 1
        && chunkSize >= 0
        && (chunkSize <= partSize || (chunkSize - 1) / partSize < Configuration.S3Limits.MaxPartsPerUpload);

    public static int PartCount(long chunkSize, long partSize) =>
        chunkSize <= partSize ? 1 : checked((int)((chunkSize + partSize - 1) / partSize));
}
