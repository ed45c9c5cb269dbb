namespace BtrfsToS3.Shared.Hashing;

/// <summary>
/// How a chunk is cut into upload parts. The spooler hashes parts with the configured part size and the uploader must
/// upload with it, or the ETag S3 reports would not match the one recorded; so it is fixed in the stream's header.
/// </summary>
internal static class PartSizing
{
    /// <summary>Chunks up to one part are sent as a single PUT; larger ones as a multipart upload of full parts and a shorter last.</summary>
    public static int PartCount(long chunkSize, long partSize) =>
        chunkSize <= partSize ? 1 : checked((int)((chunkSize + partSize - 1) / partSize));
}
