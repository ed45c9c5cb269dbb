using Microsoft.Extensions.Logging;

namespace BtrfsToS3.Shared.Logging;

/// <summary>Log messages both programs share (event ids 1–99).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, EventName = "Failed", Level = LogLevel.Error, Message = "{Message} (exit {ExitCode})")]
    public static partial void Failed(ILogger logger, string message, int exitCode);

    [LoggerMessage(
        EventId = 2,
        EventName = "Crashed",
        Level = LogLevel.Critical,
        Message = "internal error, please report it: {Message} (exit {ExitCode})"
    )]
    public static partial void Crashed(ILogger logger, Exception exception, string message, int exitCode);

    [LoggerMessage(
        EventId = 3,
        EventName = "StopRequested",
        Level = LogLevel.Warning,
        Message = "{Signal} received: stopping; the next run resumes from the spool"
    )]
    public static partial void StopRequested(ILogger logger, string signal);

    [LoggerMessage(
        EventId = 4,
        EventName = "Finished",
        Level = LogLevel.Information,
        Message = "{Tool} finished (exit {ExitCode}), {CpuSeconds:0.00} CPU seconds, peak RSS {PeakRssMiB} MiB"
    )]
    public static partial void Finished(ILogger logger, string tool, int exitCode, double cpuSeconds, long peakRssMiB);
}
