using BtrfsToS3.Shared.State;

namespace BtrfsToS3.Spooler.Streams;

/// <summary>
/// Which stream to send for a new snapshot, and why (the reason goes into the log). An incremental carries its
/// generation's compression and encryption (<see cref="ChainedOn"/>); a full takes the configuration's.
/// </summary>
internal sealed record StreamPlan(
    StreamKind Kind,
    SnapshotRef? Parent,
    string Generation,
    int ChainPosition,
    string Reason,
    PublishedSnapshot? ChainedOn = null
);
