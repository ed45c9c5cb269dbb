namespace BtrfsToS3.Uploader.Restore;

/// <summary>Where a chain's thaw stands: chunks readable now, thawing, and just requested; bytes still to
/// thaw.</summary>
internal sealed record ThawStatus(int Total, int Ready, int Thawing, int RequestedNow, long BytesToThaw)
{
    public bool AllReady => Ready == Total;
}
