using BtrfsToS3.Uploader.S3;

namespace BtrfsToS3.Uploader.Upload;

/// <summary>
/// Counts uploaded bytes across concurrent uploads and logs rate, the bandwidth cap in force, and ETA at a fixed
/// interval; without a limiter there is no cap.
/// </summary>
internal sealed class ProgressMeter(
    TimeProvider time,
    ILogger logger,
    TimeSpan interval,
    BandwidthLimiter? bandwidth = null
)
{
    private long _done;
    private long _queued;
    private long _lastDone;
    private long _lastAt = time.GetTimestamp();

    public long Done => Interlocked.Read(ref _done);

    public void Queue(long bytes) => Interlocked.Add(ref _queued, bytes);

    public void Add(long bytes) => Interlocked.Add(ref _done, bytes);

    /// <summary>Logs progress when the interval has passed since the last report.</summary>
    public void MaybeReport()
    {
        TimeSpan since = time.GetElapsedTime(_lastAt);
        if (since < interval)
        {
            return;
        }

        long done = Done;
        double rate = (done - _lastDone) / since.TotalSeconds;
        long left = Math.Max(0, Interlocked.Read(ref _queued) - done);
        double eta = rate > 0 ? left / rate : double.PositiveInfinity;
        string cap = bandwidth?.CurrentCap ?? BandwidthSchedule.DescribeRate(null);
        Log.Progress(
            logger,
            done,
            rate / 1e6,
            cap,
            left,
            double.IsInfinity(eta) ? "unknown" : TimeSpan.FromSeconds(Math.Round(eta)).ToString()
        );
        _lastDone = done;
        _lastAt = time.GetTimestamp();
    }
}
