using BtrfsToS3.Shared.Btrfs;
using BtrfsToS3.Shared.State;

namespace BtrfsToS3.Spooler.Streams;

/// <summary>
/// Local snapshot retention. Keeps the last published snapshot (the next incremental's parent), every snapshot a
/// stream in the spool names (its own and its parent), and with keep_last:N the N newest published ones; deletes the
/// other snapshots of the subvolume that btrfs_to_s3 made. Snapshots it did not make (other names) are never touched,
/// and nothing is deleted while the published state cannot be read.
/// </summary>
internal sealed class SnapshotPruner(
    SnapshotOptions snapshots,
    StateOptions state,
    SpoolDirectory spool,
    BtrfsTool btrfs,
    ILogger logger
)
{
    public async Task PruneAsync(SubvolumeOptions subvolume, CancellationToken cancellationToken)
    {
        // The spool first, then the state: a stream the uploader publishes in between is then seen in one or the other.
        var keep = new HashSet<string>(StringComparer.Ordinal);
        (IReadOnlyList<SpoolStream> streams, _) = spool.Scan();
        foreach (SpoolStream stream in streams.Where(s => s.Subvolume == subvolume.Name))
        {
            keep.Add(stream.Name);
            if (stream.HasHeader)
            {
                try
                {
                    StreamHeader header = stream.ReadHeader();
                    keep.Add(header.Snapshot.Name);
                    if (header.Parent is not null)
                    {
                        keep.Add(header.Parent.Name);
                    }
                }
                catch (Exception e) when (e is BackupFailure or IOException)
                {
                    Log.PruneSkipped(logger, subvolume.Name, $"the header of {stream.Name} cannot be read");
                    return;
                }
            }
        }

        PublishedSnapshot? published;
        try
        {
            published = StateFiles.ReadPublished(state.Dir, subvolume.Name);
        }
        catch (BackupFailure e)
        {
            Log.PruneSkipped(logger, subvolume.Name, e.Message);
            return;
        }

        if (published is null)
        {
            Log.PruneSkipped(logger, subvolume.Name, "nothing of it was published yet");
            return;
        }

        List<string> ours = Directory
            .EnumerateDirectories(snapshots.Dir)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(name => SnapshotName.TryParse(name, out string owner, out _) && owner == subvolume.Name)
            .Order(StringComparer.Ordinal)
            .ToList();
        keep.Add(published.Snapshot.Name);
        foreach (
            string name in ours.Where(n => string.CompareOrdinal(n, published.Snapshot.Name) <= 0)
                .TakeLast(snapshots.Retention.KeepLast)
        )
        {
            keep.Add(name);
        }

        foreach (string name in ours.Where(n => !keep.Contains(n)))
        {
            string path = snapshots.PathOf(name);
            if (await btrfs.ShowAsync(path, cancellationToken) is not { ReadOnly: true })
            {
                continue;
            }

            await btrfs.DeleteSubvolumeAsync(path, cancellationToken);
            Log.SnapshotDeleted(logger, path, snapshots.Retention.ToString());
        }
    }
}
