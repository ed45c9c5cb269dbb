using BtrfsToS3.Shared.Spool;

namespace BtrfsToS3.Shared.State;

/// <summary>The files of the state directory (docs/FORMAT.md, "Local state").</summary>
internal static class StateFiles
{
    public static string PublishedPath(string stateDir, string subvolume) => Path.Combine(stateDir, $"{subvolume}.published.json");

    /// <summary>The subvolume's last published snapshot, or null when none was ever published.</summary>
    public static PublishedSnapshot? ReadPublished(string stateDir, string subvolume)
    {
        string path = PublishedPath(stateDir, subvolume);
        return File.Exists(path)
            ? SpoolFiles.Read(path, FormatJson.Default.PublishedSnapshot, p => p.FormatVersion)
            : null;
    }

    public static void WritePublished(string stateDir, PublishedSnapshot published) =>
        SpoolFiles.Write(PublishedPath(stateDir, published.Subvolume), published, FormatJson.Default.PublishedSnapshot, overwrite: true);
}
