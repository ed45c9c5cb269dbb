using BtrfsToS3.Shared.Btrfs;
using BtrfsToS3.Shared.State;

namespace BtrfsToS3.Spooler.Streams;

/// <summary>
/// Decides full or incremental. An incremental is sent with <c>-p</c> against the last snapshot the uploader published;
/// anything that makes that parent doubtful (never published, missing, writable, another UUID, a snapshot of another
/// subvolume than the one now at the path, unreadable state, a generation older than full_every_days, or --full) gives
/// a full instead, because a full is always restorable.
/// </summary>
internal sealed class StreamPlanner(
    SnapshotOptions snapshots,
    StateOptions state,
    ScheduleOptions schedule,
    BtrfsTool btrfs,
    TimeProvider time
)
{
    public async Task<StreamPlan> PlanAsync(
        SubvolumeOptions subvolume,
        string snapshotName,
        bool forceFull,
        CancellationToken cancellationToken
    )
    {
        string newGeneration = SnapshotName.Generation(snapshotName);
        StreamPlan Full(string reason) => new(StreamKind.Full, null, newGeneration, 0, reason);

        if (forceFull)
        {
            return Full("--full was given");
        }

        PublishedSnapshot? published;
        try
        {
            published = StateFiles.ReadPublished(state.Dir, subvolume.Name);
        }
        catch (BackupFailure e) when (e.Kind == FailureKind.BadData)
        {
            return Full($"the published state cannot be trusted ({e.Message})");
        }

        if (published is null)
        {
            return Full("no snapshot of it was published yet");
        }

        if (
            SnapshotName.TryParse($"{subvolume.Name}.{published.Generation}", out _, out DateTimeOffset generationStart)
        )
        {
            double days = (time.GetUtcNow() - generationStart).TotalDays;
            if (days >= schedule.FullEveryDays)
            {
                return Full(
                    $"its generation {published.Generation} started {days:0} days ago (full_every_days = {schedule.FullEveryDays})"
                );
            }
        }

        string parentPath = snapshots.PathOf(published.Snapshot.Name);
        SubvolumeInfo? parent = await btrfs.ShowAsync(parentPath, cancellationToken);
        if (parent is null)
        {
            return Full($"the parent snapshot {parentPath} is missing");
        }

        if (!parent.ReadOnly)
        {
            return Full($"the parent snapshot {parentPath} is not read-only");
        }

        if (!string.Equals(parent.Uuid, published.Snapshot.Uuid, StringComparison.OrdinalIgnoreCase))
        {
            return Full(
                $"the parent snapshot {parentPath} has UUID {parent.Uuid}, but {published.Snapshot.Uuid} was published"
            );
        }

        // By path and UUID: the parent must be a snapshot of this very subvolume, not of one that was deleted and made
        // anew at the same path (a VM disk recreated), which an incremental would silently graft onto the old one.
        SubvolumeInfo? source = await btrfs.ShowAsync(subvolume.Path, cancellationToken);
        if (source is null || !string.Equals(parent.ParentUuid, source.Uuid, StringComparison.OrdinalIgnoreCase))
        {
            return Full(
                $"{subvolume.Path} is not the subvolume {parentPath} was taken of (UUID {source?.Uuid}, the snapshot's source {parent.ParentUuid})"
            );
        }

        return new StreamPlan(
            StreamKind.Incremental,
            published.Snapshot,
            published.Generation,
            published.ChainPosition + 1,
            $"chained on {published.Snapshot.Name}, the last published snapshot",
            published
        );
    }
}
