using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace BtrfsToS3.Shared.Logging;

/// <summary>
/// Console logging for a batch job: under systemd the Systemd formatter (one line, journald priority prefix);
/// elsewhere one plain line with a UTC timestamp. All of it goes to stderr, so that stdout carries only what a
/// command prints for people or scripts (status --json, check).
/// </summary>
internal static class LoggingSetup
{
    /// <param name="failures">Also told every error line, for the run's notification.</param>
    public static ILoggerFactory Create(bool verbose, FailureRecorder failures)
    {
        // systemd sets INVOCATION_ID for every service and JOURNAL_STREAM when stdout/stderr go to the journal.
        bool underSystemd =
            Environment.GetEnvironmentVariable("JOURNAL_STREAM") is not null
            || Environment.GetEnvironmentVariable("INVOCATION_ID") is not null;
        return LoggerFactory.Create(builder =>
        {
            builder.SetMinimumLevel(verbose ? LogLevel.Debug : LogLevel.Information);
            builder.AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
            builder.AddProvider(failures);
            if (underSystemd)
            {
                builder.AddSystemdConsole(options =>
                {
                    options.UseUtcTimestamp = true;
                    options.IncludeScopes = false;
                });
            }
            else
            {
                builder.AddSimpleConsole(options =>
                {
                    options.SingleLine = true;
                    options.UseUtcTimestamp = true;
                    options.TimestampFormat = "yyyy-MM-ddTHH:mm:ssZ ";
                    options.IncludeScopes = false;
                });
            }
        });
    }
}
