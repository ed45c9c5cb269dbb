namespace BtrfsToS3.Shared.Spool;

/// <summary>What the spool holds now: all of it, the chunk data the quota counts, and what uploads will free.</summary>
internal static class SpoolUsage
{
    private static readonly EnumerationOptions Everything = new()
    {
        RecurseSubdirectories = true,
        IgnoreInaccessible = true,
        AttributesToSkip = 0,
    };

    /// <summary>Bytes of ready chunk files: what uploads will free. Headers, records and seals stay until publication.</summary>
    public static long ChunkBytes(string spoolDir) => Sum(spoolDir, SpoolLayout.ReadyChunkPattern);

    /// <summary>
    /// Bytes of chunk data, whole or being written: what the quota bounds. The JSON files beside them (under 1 KiB
    /// each) are left out, so that a quota of N chunks holds N chunks; the free-space margin covers them on disk.
    /// </summary>
    public static long ChunkDataBytes(string spoolDir) => ChunkBytes(spoolDir) + Sum(spoolDir, SpoolLayout.ReadyChunkPattern + IO.AtomicFile.TempSuffix);

    /// <summary>Bytes of every file below the spool directory.</summary>
    public static long Bytes(string spoolDir) => Sum(spoolDir, "*");

    private static long Sum(string spoolDir, string pattern)
    {
        long total = 0;
        foreach (FileInfo file in new DirectoryInfo(spoolDir).EnumerateFiles(pattern, Everything))
        {
            // The uploader deletes chunks (and whole streams) while we count: a vanished file simply no longer counts.
            try
            {
                total += file.Length;
            }
            catch (FileNotFoundException)
            {
            }
        }

        return total;
    }
}
