namespace BtrfsToS3.Uploader.Plan;

/// <summary>
/// The cost plan of one subvolume under the configured cadence, chunking, retention and prices; Restore is what a
/// restore of its current chain costs at the end of a generation, when the chain is longest. LockMonthlyCost is what
/// [s3] object_lock adds to the monthly bill: every generation's objects stay lock_margin past retention's deletion,
/// until their lock ends (0 without Object Lock). AbandonedFullCost is what a full abandoned before its publish (the
/// spool lost mid-upload) costs, once, held AbandonedFullDays until retention may delete it (under Object Lock, until
/// its lock ends).
/// </summary>
internal sealed record SubvolumePlan(
    string Subvolume,
    long Size,
    long WeeklyChange,
    StreamCost Full,
    StreamCost Incremental,
    int IncrementalsPerGeneration,
    long AverageStoredBytes,
    decimal MonthlyStorageCost,
    int HeldBackDays,
    decimal EarlyDeletionPerRollover,
    RestoreCost Restore,
    decimal LockMonthlyCost,
    int AbandonedFullDays,
    decimal AbandonedFullCost
);
