namespace BtrfsToS3.Uploader.Plan;

/// <summary>The cost plan of one subvolume under the configured cadence, chunking, retention and prices.</summary>
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
    decimal EarlyDeletionPerRollover);
