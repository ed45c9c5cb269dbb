using BtrfsToS3.Uploader.S3;

namespace BtrfsToS3.Uploader.Repository;

/// <summary>
/// How long an object of a generation stays locked ([s3] object_lock): until retention could delete the generation,
/// plus [s3] lock_margin (docs/FORMAT.md, "Object Lock"). Retention deletes a generation once keep_generations newer
/// fulls are published (its start plus keep_generations × full_every_days, when fulls come on time) and its newest
/// object is min_age_days old. The newest object of a generation is written just before the next full, at its start
/// plus full_every_days, or now if that is later; so every object of it, the full first, is locked until the later of
/// the two dates. Objects written later get dates no earlier than those before them.
/// </summary>
internal sealed record LockPolicy(
    string Mode,
    int FullEveryDays,
    int KeepGenerations,
    int MinAgeDays,
    TimeSpan Margin,
    TimeProvider Time
)
{
    /// <summary>The policy of the configuration, or null when [s3] object_lock is off.</summary>
    public static LockPolicy? Of(BackupOptions options, TimeProvider time) =>
        options.S3.ObjectLock is { } mode
            ? new LockPolicy(
                mode,
                options.Schedule.FullEveryDays,
                options.Retention.KeepGenerations,
                options.Retention.MinAgeDays,
                options.S3.LockMargin,
                time
            )
            : null;

    /// <summary>The lock of an object of <paramref name="generation"/> written now: <see cref="Needed"/> plus the
    /// margin.</summary>
    public ObjectLock For(string generation)
    {
        DateTimeOffset until = Needed(generation, Time.GetUtcNow()) + Margin;

        // S3 keeps the date to the second: rounded up, never earlier than the rule says.
        long seconds = (until.UtcTicks + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond;
        return new ObjectLock(Mode, new DateTimeOffset(seconds * TimeSpan.TicksPerSecond, TimeSpan.Zero));
    }

    /// <summary>
    /// The earliest time retention could delete <paramref name="generation"/> once its newest object was written at
    /// <paramref name="newest"/> (or will be: not before the next full is due): what every object of it must stay
    /// locked until, the margin aside.
    /// </summary>
    public DateTimeOffset Needed(string generation, DateTimeOffset newest)
    {
        DateTimeOffset start = SnapshotName.TryParse($"x.{generation}", out _, out DateTimeOffset time) ? time : newest;
        DateTimeOffset superseded = start.AddDays((double)KeepGenerations * FullEveryDays);
        DateTimeOffset last = start.AddDays(FullEveryDays) > newest ? start.AddDays(FullEveryDays) : newest;
        DateTimeOffset oldEnough = last.AddDays(MinAgeDays);
        return superseded > oldEnough ? superseded : oldEnough;
    }
}
