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
    public static long ChunkBytes(string spoolDir) =>
        new DirectoryInfo(spoolDir).EnumerateFiles(SpoolLayout.ChunkPrefix + "??????", Everything).Sum(f => f.Length);

    public static long Bytes(string spoolDir)
    {
        long total = 0;
        // The uploader deletes chunks while we count; a vanished file simply no longer counts.
        foreach (FileInfo file in new DirectoryInfo(spoolDir).EnumerateFiles("*", Everything))
        {
            total += file.Length;
        }

        return total;
    }
}
