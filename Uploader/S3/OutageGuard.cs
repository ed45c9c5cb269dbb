using Amazon.Runtime;

namespace BtrfsToS3.Uploader.S3;

/// <summary>
/// Retries S3 work through outages with exponential backoff, until S3 has been failing for give_up_after by the
/// <see cref="OutageClock"/> (counted from the first failure since S3 last answered any request); then the run ends
/// with exit 75 and the spool as it was. The SDK retries single requests on top of this; this retries whole operations
/// (a chunk, a manifest), so a long outage is waited out rather than turned into lost work.
/// </summary>
/// <param name="bucket">Named in the one line for a failure a person must fix (no bucket, no access).</param>
internal sealed class OutageGuard(TimeSpan giveUpAfter, string bucket, OutageClock clock, ILogger logger)
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(60);

    public async Task<(T Result, int Retries)> RunAsync<T>(
        string what,
        Func<CancellationToken, Task<T>> operation,
        CancellationToken cancellationToken
    )
    {
        TimeSpan backoff = FirstBackoff;
        for (int retries = 0; ; retries++)
        {
            try
            {
                T result = await operation(cancellationToken);
                clock.Answered();
                return (result, retries);
            }
            catch (Exception e) when (S3Errors.Permanent(e, what, bucket) is { } permanent)
            {
                throw permanent;
            }
            catch (Exception e) when (S3Errors.IsTransient(e, cancellationToken))
            {
                TimeSpan down = clock.Failed();
                if (down >= giveUpAfter)
                {
                    throw new BackupFailure(
                        FailureKind.TryAgainLater,
                        $"S3 unreachable for {Duration.Format(down)} ({what}: {Innermost(e)}); gave up after give_up_after = {Duration.Format(giveUpAfter)}, the spool is intact for the next run"
                    );
                }

                Log.Retrying(logger, what, Innermost(e), backoff.TotalSeconds);
                await Task.Delay(backoff, clock.Time, cancellationToken);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
            catch (AmazonServiceException e)
            {
                // Neither an outage nor a known misconfiguration: S3 refused this request. Its own words name the
                // cause.
                throw new BackupFailure(
                    FailureKind.Unavailable,
                    $"{what}: S3 answered {(int)e.StatusCode} {e.ErrorCode}: {e.Message}",
                    e
                );
            }
        }
    }

    private static string Innermost(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e.Message;
    }
}
