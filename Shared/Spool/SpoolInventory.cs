namespace BtrfsToS3.Shared.Spool;

/// <summary>Lists the streams in the spool, oldest first per subvolume, and whatever else is there that should not be.</summary>
internal static class SpoolInventory
{
    public static (IReadOnlyList<SpoolStream> Streams, IReadOnlyList<string> Strays) Scan(string spoolDir)
    {
        var streams = new List<SpoolStream>();
        var strays = new List<string>();
        foreach (string entry in Directory.EnumerateFileSystemEntries(spoolDir).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(entry);
            if (name is SpoolLayout.SpoolerLock or SpoolLayout.UploaderLock or SpoolLayout.RestoreLock or SpoolLayout.RestoreDir)
            {
                continue;
            }

            if (Directory.Exists(entry) && SnapshotName.TryParse(name, out string subvolume, out DateTimeOffset time))
            {
                streams.Add(new SpoolStream(
                    name,
                    entry,
                    subvolume,
                    time,
                    File.Exists(Path.Combine(entry, SpoolLayout.Header)),
                    File.Exists(Path.Combine(entry, SpoolLayout.Seal))));
            }
            else
            {
                strays.Add(entry);
            }
        }

        return (streams, strays);
    }
}
