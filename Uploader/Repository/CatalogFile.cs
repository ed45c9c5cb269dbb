using System.Security.Cryptography;
using BtrfsToS3.Shared.Hashing;
using BtrfsToS3.Uploader.S3;

namespace BtrfsToS3.Uploader.Repository;

/// <summary>
/// A stream's catalog file in the spool, as read just before it is sent: its length, its SHA-256 (which must be the
/// seal's) and its MD5 (which S3 checks on arrival as Content-MD5, and gives back as the ETag of a single PUT).
/// </summary>
internal sealed record CatalogFile(string Path, long Size, string Sha256, string Md5)
{
    /// <summary>Reads the file once, hashing it both ways.</summary>
    public static CatalogFile Read(string path)
    {
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        // S3's Content-MD5 and a single PUT's ETag are MD5s; nothing here relies on MD5 resisting collisions.
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        byte[] buffer = new byte[1024 * 1024];
        long size = 0;
        using (FileStream file = File.OpenRead(path))
        {
            int read;
            while ((read = file.Read(buffer)) > 0)
            {
                sha256.AppendData(buffer, 0, read);
                md5.AppendData(buffer, 0, read);
                size += read;
            }
        }

        return new CatalogFile(
            path,
            size,
            Convert.ToHexStringLower(sha256.GetHashAndReset()),
            Convert.ToHexStringLower(md5.GetHashAndReset())
        );
    }

    /// <summary>True when the HEAD shows the object holds these bytes: S3's size and ETag, and our SHA-256.</summary>
    public bool IsHeldBy(ObjectHead? head) =>
        head is not null && head.Size == Size && head.Sha256 == Sha256 && S3Etag.Normalize(head.Etag) == Md5;
}
