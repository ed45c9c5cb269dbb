using System.Security.Cryptography;
using BtrfsToS3.Shared.IO;
using BtrfsToS3.Shared.Publishing;
using BtrfsToS3.Uploader.S3;

namespace BtrfsToS3.Uploader.Restore;

/// <summary>
/// Downloads a chunk into the restore area of the spool, hashing it as it arrives: only a chunk whose SHA-256 matches
/// its manifest gets its final name, so a file with a final name is verified, and an interrupted restore keeps it.
/// A mismatch is fetched again a few times, then fails with the chunk named (exit 65).
/// </summary>
internal sealed class ChunkFetcher(BackupRepository repository, ILogger logger)
{
    private const int Attempts = 3;
    private const int BufferSize = 1024 * 1024;

    /// <param name="rangeSize">Chunks larger than this come down as ranged GETs of this size, in parallel.</param>
    /// <param name="parallelRanges">Ranged GETs in flight for this chunk.</param>
    public async Task<string> FetchAsync(
        ManifestChunk chunk,
        RestoreArea area,
        long rangeSize,
        int parallelRanges,
        CancellationToken cancellationToken
    )
    {
        string path = area.ChunkPath(chunk.Index);
        if (File.Exists(path) && new FileInfo(path).Length == chunk.Size)
        {
            Log.ChunkAlreadyDownloaded(logger, chunk.Key);
            return path;
        }

        string temp = area.TempPath(chunk.Index);
        for (int attempt = 1; ; attempt++)
        {
            string sha;
            try
            {
                sha =
                    chunk.Size > rangeSize
                        ? await DownloadRangesAsync(chunk, temp, rangeSize, parallelRanges, cancellationToken)
                        : await DownloadAsync(chunk, temp, cancellationToken);
            }
            catch (ObjectNotThawedException e)
            {
                throw new BackupFailure(
                    FailureKind.TryAgainLater,
                    $"chunk {e.Address} is in an archive storage class and not thawed; run the restore again (it requests the thaw), or with --wait"
                );
            }

            if (sha == chunk.Sha256)
            {
                area.Commit(chunk.Index);
                return path;
            }

            File.Delete(temp);
            Log.ChunkMismatch(logger, chunk.Key, sha, chunk.Sha256, attempt);
            if (attempt == Attempts)
            {
                throw new BackupFailure(
                    FailureKind.BadData,
                    $"chunk {repository.Address(chunk.Key)}: SHA-256 {sha} after {Attempts} downloads, but its manifest says {chunk.Sha256}; the copy in S3 is damaged and nothing of it was received"
                );
            }
        }
    }

    /// <summary>
    /// A large chunk: ranges downloaded in parallel into their places in the file, then the file hashed in one
    /// sequential pass (from the page cache, mostly). One stream per chunk would leave most of a fast link idle.
    /// </summary>
    private async Task<string> DownloadRangesAsync(
        ManifestChunk chunk,
        string temp,
        long rangeSize,
        int parallelRanges,
        CancellationToken cancellationToken
    )
    {
        await using (
            FileStream stream = ExclusiveFile.Create(
                temp,
                GroupShared.FileMode,
                FileAccess.ReadWrite,
                FileOptions.Asynchronous
            )
        )
        {
            Microsoft.Win32.SafeHandles.SafeFileHandle file = stream.SafeFileHandle;
            RandomAccess.SetLength(file, chunk.Size);
            long ranges = (chunk.Size + rangeSize - 1) / rangeSize;
            await Parallel.ForAsync(
                0L,
                ranges,
                new ParallelOptions { MaxDegreeOfParallelism = parallelRanges, CancellationToken = cancellationToken },
                async (i, ct) =>
                {
                    long start = i * rangeSize;
                    long end = Math.Min(chunk.Size, start + rangeSize) - 1;
                    await repository.ReadChunkAsync(
                        chunk,
                        (start, end),
                        async (body, attemptToken) =>
                        {
                            byte[] buffer = new byte[BufferSize];
                            long at = start;
                            int n;
                            while ((n = await body.ReadAsync(buffer, attemptToken)) > 0)
                            {
                                await RandomAccess.WriteAsync(file, buffer.AsMemory(0, n), at, attemptToken);
                                at += n;
                            }

                            if (at != end + 1)
                            {
                                throw new IOException($"range {start}-{end} of {chunk.Key} ended at {at}");
                            }
                        },
                        ct
                    );
                }
            );
            RandomAccess.FlushToDisk(file);
        }

        await using FileStream read = File.OpenRead(temp);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(read, cancellationToken));
    }

    private async Task<string> DownloadAsync(ManifestChunk chunk, string temp, CancellationToken cancellationToken)
    {
        string sha = string.Empty;
        await repository.ReadChunkAsync(
            chunk,
            null,
            async (body, ct) =>
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                await using (FileStream file = ExclusiveFile.Create(temp, GroupShared.FileMode))
                {
                    byte[] buffer = new byte[BufferSize];
                    int n;
                    while ((n = await body.ReadAsync(buffer, ct)) > 0)
                    {
                        hash.AppendData(buffer, 0, n);
                        await file.WriteAsync(buffer.AsMemory(0, n), ct);
                    }

                    file.Flush(flushToDisk: true);
                }

                sha = Convert.ToHexStringLower(hash.GetHashAndReset());
            },
            cancellationToken
        );
        return sha;
    }
}
