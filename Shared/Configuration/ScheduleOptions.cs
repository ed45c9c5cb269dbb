namespace BtrfsToS3.Shared.Configuration;

/// <summary>The cadence of fulls: a new generation once the current one is FullEveryDays old.</summary>
/// <param name="FullEveryDays">[schedule] full_every_days: from 1 to 3650. Default 182.</param>
internal sealed record ScheduleOptions(int FullEveryDays)
{
    /// <summary>Reads and checks [schedule].</summary>
    public static ScheduleOptions Read(ConfigSection section) =>
        new(section.Integer("full_every_days", min: 1, max: 3650));
}
