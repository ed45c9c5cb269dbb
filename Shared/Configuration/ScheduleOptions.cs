namespace BtrfsToS3.Shared.Configuration;

/// <summary>The cadence of fulls: a new generation once the current one is FullEveryDays old.</summary>
internal sealed record ScheduleOptions(int FullEveryDays);
