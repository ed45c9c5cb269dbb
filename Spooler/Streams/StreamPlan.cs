namespace BtrfsToS3.Spooler.Streams;

/// <summary>Which stream to send for a new snapshot, and why (the reason goes into the log).</summary>
internal sealed record StreamPlan(StreamKind Kind, SnapshotRef? Parent, string Generation, int ChainPosition, string Reason);
