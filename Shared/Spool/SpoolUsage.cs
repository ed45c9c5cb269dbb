namespace BtrfsToS3.Shared.Spool;

/// <summary>What the spool holds now, counted the way the quota counts it: every file below the spool directory.</summary>
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
