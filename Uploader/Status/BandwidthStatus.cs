namespace BtrfsToS3.Uploader.Status;

/// <summary>
/// [uploader] bandwidth as configured and the cap it sets at the report's time, the one a running uploader applies:
/// BytesPerSecondNow is null for no cap, CapNow the cap as the logs write it.
/// </summary>
internal sealed record BandwidthStatus(string Schedule, long? BytesPerSecondNow, string CapNow)
{
    public static BandwidthStatus At(BandwidthSchedule schedule, DateTimeOffset at)
    {
        long? now = schedule.BytesPerSecondAt(at.ToLocalTime().DateTime);
        return new BandwidthStatus(schedule.Text, now, BandwidthSchedule.DescribeRate(now));
    }
}
