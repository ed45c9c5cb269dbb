using BtrfsToS3.Shared.Btrfs;
using BtrfsToS3.Shared.IO;

namespace BtrfsToS3.Uploader.Restore;

/// <summary>Puts each received chain back where the host had it: the subvolume's tree, and the nested ones at their
/// paths.</summary>
internal sealed class TreePlacer(ILogger logger)
{
    private readonly BtrfsTool _btrfs = new();

    /// <summary>
    /// Rebuilds the tree as the host had it: the configured subvolume as a writable snapshot of its last received one,
    /// <c>TARGET/&lt;subvolume&gt;</c>; a nested one as a writable snapshot of its last received one, in the place its
    /// configured subvolume's tree holds for it. A place already taken by a subvolume (a restore run again) is kept.
    /// </summary>
    public async Task PutInPlaceAsync(string target, RestoreChain chain, CancellationToken cancellationToken)
    {
        string received = ContainedPath.Join(target, chain.Manifests[^1].Snapshot.Name, "received snapshot");
        string place = ContainedPath.Join(
            target,
            chain.Nested is null ? chain.Subvolume : $"{chain.Nested.In}/{chain.Nested.Path}",
            $"the place of subvolume {chain.Subvolume}"
        );
        if (await _btrfs.ShowAsync(place, cancellationToken) is not null)
        {
            return;
        }

        if (Directory.Exists(place))
        {
            if (Directory.EnumerateFileSystemEntries(place).Any())
            {
                throw new BackupFailure(
                    FailureKind.CannotCreate,
                    $"{place} is not empty, so {chain.Subvolume} cannot be put there; move it away first"
                );
            }

            Directory.Delete(place);
        }

        await _btrfs.CreateSnapshotAsync(received, place, cancellationToken);
        Log.PutInPlace(logger, chain.Subvolume, place);
    }
}
