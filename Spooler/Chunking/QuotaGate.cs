namespace BtrfsToS3.Spooler.Chunking;

/// <summary>
/// Backpressure between the spooler and the uploader. Before a chunk is started it must fit whole: the chunk data
/// already in the spool plus one chunk within the quota, and one chunk plus a margin within the filesystem's free
/// space. While it does not fit, the spooler waits and stops reading, so <c>btrfs send</c> blocks on its full pipe.
/// </summary>
/// <remarks>
/// System.IO.Pipelines pauses a writer at one mark and resumes it at a lower one, so that it is not woken for every few
/// bytes freed. Here the pause mark is "quota − chunk size" and the resume mark is the same number, on purpose: a check
/// admits one whole chunk, which fills exactly the room it was admitted for, so the next check pauses again until the
/// uploader has deleted at least one whole chunk. The hysteresis is the chunk itself; a lower resume mark would only
/// hold the spooler idle while a chunk's worth of room is already free.
/// </remarks>
internal sealed class QuotaGate(
    SpoolDirectory spool,
    long quota,
    TimeSpan pollInterval,
    TimeProvider time,
    ILogger logger
)
{
    /// <summary>Room kept free beyond the chunk for the small files (records, seal) and filesystem rounding.</summary>
    public const long FreeSpaceMargin = 16 * ByteSize.MiB;

    public async Task WaitForRoomAsync(long chunkSize, CancellationToken cancellationToken)
    {
        long pausedAt = 0;
        long waitedFor = 0;
        while (true)
        {
            long used = spool.ChunkDataBytes();
            long overQuota = used + chunkSize - quota;
            long shortOnDisk = chunkSize + FreeSpaceMargin - spool.AvailableBytes();
            long missing = Math.Max(overQuota, shortOnDisk);
            if (missing <= 0)
            {
                if (pausedAt != 0)
                {
                    Log.QuotaResumed(logger, waitedFor, time.GetElapsedTime(pausedAt).TotalSeconds, used, quota);
                }

                return;
            }

            if (pausedAt == 0)
            {
                if (spool.ReadyChunkBytes() == 0)
                {
                    // No chunk waits in the spool, so no upload will ever free the room.
                    string lacking =
                        overQuota > 0
                            ? $"{ByteSize.Format(used)} of chunk data being written leaves less than one chunk ({ByteSize.Format(chunkSize)}) within the quota of {ByteSize.Format(quota)}"
                            : $"the filesystem has {ByteSize.Format(chunkSize + FreeSpaceMargin - shortOnDisk)} free, a chunk needs {ByteSize.Format(chunkSize + FreeSpaceMargin)}";
                    throw new BackupFailure(
                        FailureKind.CannotCreate,
                        $"spool {spool.Dir}: {lacking}, and no chunk in the spool waits for upload to free room"
                    );
                }

                pausedAt = time.GetTimestamp();
                waitedFor = missing;
                Log.QuotaPaused(logger, missing, used, quota, overQuota > 0 ? "quota" : "free space");
                CrashPoint.Reached("spooler-in-quota-pause");
            }

            await Task.Delay(pollInterval, time, cancellationToken);
        }
    }
}
