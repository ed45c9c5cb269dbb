using BtrfsToS3.Shared.Btrfs;

namespace BtrfsToS3.Spooler.Streams;

/// <summary>
/// Finds the subvolumes nested at any depth inside a configured one, at every run (a new VM disk appears, a removed
/// container volume goes). Read-only snapshots (Proxmox's <c>&lt;disk&gt;@&lt;snap&gt;</c>) and btrfs_to_s3's own
/// snapshot directory are never backed up, and each one passed over is logged with the reason; what [subvolumes] nested
/// says of the rest is done and said too. Nothing nested is ever left out silently.
/// </summary>
internal sealed class NestedDiscovery(SnapshotOptions snapshots, NestedMode mode, BtrfsTool btrfs, ILogger logger)
{
    /// <summary>The nested subvolumes to back up as chains of their own (none with exclude), each named by
    /// <see cref="NestedName"/>.</summary>
    public async Task<IReadOnlyList<SubvolumeOptions>> FindAsync(
        SubvolumeOptions configured,
        CancellationToken cancellationToken
    )
    {
        IReadOnlyList<SubvolumeOptions> found = await BackupableAsync(configured, cancellationToken);
        if (mode == NestedMode.Exclude && found.Count > 0)
        {
            Log.NestedExcluded(
                logger,
                configured.Name,
                found.Count,
                string.Join(", ", found.Select(n => n.Nested!.Path))
            );
            return [];
        }

        foreach (SubvolumeOptions nested in found)
        {
            Log.NestedFound(logger, configured.Name, nested.Nested!.Path, nested.Name);
        }

        return found;
    }

    /// <summary>The nested subvolumes there are to back up, whatever the mode says of them (checks refuse them with
    /// fail).</summary>
    public async Task<IReadOnlyList<SubvolumeOptions>> BackupableAsync(
        SubvolumeOptions configured,
        CancellationToken cancellationToken
    )
    {
        var found = new List<SubvolumeOptions>();
        foreach (NestedSubvolume nested in await btrfs.NestedAsync(configured.Path, cancellationToken))
        {
            string path = Path.Combine(configured.Path, nested.Path);
            if (path.StartsWith(snapshots.Dir + "/", StringComparison.Ordinal))
            {
                Log.NestedSkipped(logger, path, "it is in btrfs_to_s3's own snapshot directory");
            }
            else if (nested.IsSnapshot)
            {
                Log.NestedSkipped(
                    logger,
                    path,
                    $"it is a read-only snapshot of {nested.ParentUuid} (as Proxmox's <disk>@<snap> are); its source is backed up"
                );
            }
            else
            {
                found.Add(
                    new SubvolumeOptions(
                        NestedName.For(configured.Name, nested.Path),
                        path,
                        new NestedPlace(configured.Name, nested.Path)
                    )
                );
            }
        }

        return found;
    }
}
