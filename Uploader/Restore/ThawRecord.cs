namespace BtrfsToS3.Uploader.Restore;

/// <summary>
/// &lt;state dir&gt;/thaw-&lt;subvolume&gt;.json: when this host last asked S3 to thaw chunks for a restore, and with
/// which tier, so that a later run can say when the thaw is expected to be done. S3 itself holds the thaw's state.
/// </summary>
internal sealed record ThawRecord(DateTimeOffset RequestedAt, string Tier, int Chunks);
