using System.Net;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using BtrfsToS3.Shared.Failures;
using BtrfsToS3.Shared.IO;
using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Uploader.S3;
using Microsoft.Extensions.Logging;

namespace BtrfsToS3.Uploader.Restore;

/// <summary>
/// Downloads a chunk into the restore area of the spool, hashing it as it arrives: only a chunk whose SHA-256 matches
/// its manifest gets its final name, so a file with a final name is verified, and an interrupted restore keeps it.
/// A mismatch is fetched again a few times, then fails with the chunk named (exit 65).
/// </summary>
internal sealed class ChunkFetcher(IAmazonS3 s3, string bucket, OutageGuard guard, ILogger logger)
{
    private const int Attempts = 3;

    public async Task<string> FetchAsync(ManifestChunk chunk, string dir, CancellationToken cancellationToken)
    {
        string path = Path.Combine(dir, Path.GetFileName(chunk.Key));
        if (File.Exists(path) && new FileInfo(path).Length == chunk.Size)
        {
            Log.ChunkAlreadyDownloaded(logger, chunk.Key);
            return path;
        }

        for (int attempt = 1; ; attempt++)
        {
            string sha = await DownloadAsync(chunk.Key, path + AtomicFile.TempSuffix, cancellationToken).ConfigureAwait(false);
            if (sha == chunk.Sha256)
            {
                File.Move(path + AtomicFile.TempSuffix, path, overwrite: true);
                Posix.FsyncDirectory(dir);
                return path;
            }

            File.Delete(path + AtomicFile.TempSuffix);
            Log.ChunkMismatch(logger, chunk.Key, sha, chunk.Sha256, attempt);
            if (attempt == Attempts)
            {
                throw new BackupFailure(
                    FailureKind.BadData,
                    $"chunk s3://{bucket}/{chunk.Key}: SHA-256 {sha} after {Attempts} downloads, but its manifest says {chunk.Sha256}; the copy in S3 is damaged and nothing of it was received");
            }
        }
    }

    private async Task<string> DownloadAsync(string key, string temp, CancellationToken cancellationToken)
    {
        (string sha, int _) = await guard.RunAsync(
            $"get {key}",
            bucket,
            async ct =>
            {
                try
                {
                    using GetObjectResponse response = await s3.GetObjectAsync(bucket, key, ct).ConfigureAwait(false);
                    using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                    await using (var file = new FileStream(temp, new FileStreamOptions
                    {
                        Mode = FileMode.Create,
                        Access = FileAccess.Write,
                        UnixCreateMode = AtomicFile.OwnerOnlyFile,
                        BufferSize = 0,
                    }))
                    {
                        byte[] buffer = new byte[1024 * 1024];
                        int n;
                        while ((n = await response.ResponseStream.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
                        {
                            hash.AppendData(buffer, 0, n);
                            await file.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
                        }

                        file.Flush(flushToDisk: true);
                    }

                    return Convert.ToHexStringLower(hash.GetHashAndReset());
                }
                catch (AmazonS3Exception e) when (e.ErrorCode == "InvalidObjectState" || e.StatusCode == HttpStatusCode.Forbidden && e.ErrorCode == "InvalidObjectState")
                {
                    throw new BackupFailure(
                        FailureKind.TryAgainLater,
                        $"chunk s3://{bucket}/{key} is in an archive storage class and not thawed; thaw it (docs/FORMAT.md, \"Restoring by hand\") and run the restore again");
                }
            },
            cancellationToken).ConfigureAwait(false);
        return sha;
    }
}
