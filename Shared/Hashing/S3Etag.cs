using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace BtrfsToS3.Shared.Hashing;

/// <summary>
/// The ETag S3 computes for an object it stores unencrypted or with SSE-S3: the hex MD5 of the bytes for a single PUT,
/// and for a multipart upload the hex MD5 of the concatenated binary MD5s of the parts, then "-" and the part count.
/// Ceph RGW computes it the same way.
/// </summary>
internal static class S3Etag
{
    [SuppressMessage(
        "Security",
        "CA5351:Do Not Use Broken Cryptographic Algorithms",
        Justification = "S3 defines a multipart ETag as the MD5 of the parts' MD5s; it checks integrity, not secrecy"
    )]
    public static string FromPartMd5s(IReadOnlyList<byte[]> partMd5s)
    {
        if (partMd5s.Count == 1)
        {
            return Convert.ToHexStringLower(partMd5s[0]);
        }

        byte[] concatenated = new byte[partMd5s.Count * MD5.HashSizeInBytes];
        for (int i = 0; i < partMd5s.Count; i++)
        {
            partMd5s[i].CopyTo(concatenated, i * MD5.HashSizeInBytes);
        }

        return $"{Convert.ToHexStringLower(MD5.HashData(concatenated))}-{partMd5s.Count}";
    }

    /// <summary>S3 returns the ETag in quotes; compare without them.</summary>
    public static string Normalize(string etag) => etag.Trim('"');
}
