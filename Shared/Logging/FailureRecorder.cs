using Microsoft.Extensions.Logging;

namespace BtrfsToS3.Shared.Logging;

/// <summary>
/// Keeps the last error line the program logged, so that a notification can quote the line that says what failed
/// rather than only an exit code: a run that ends non-zero without throwing (a chunk refused, a stream held) logged it.
/// </summary>
internal sealed class FailureRecorder : ILoggerProvider, ILogger
{
    private string? _last;

    /// <summary>The last message logged at Error or above, or null when there was none.</summary>
    public string? LastLine => Volatile.Read(ref _last);

    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

    public void Log<TState>(
        LogLevel logLevel,
        EventId eventId,
        TState state,
        Exception? exception,
        Func<TState, Exception?, string> formatter
    )
    {
        if (IsEnabled(logLevel))
        {
            Volatile.Write(ref _last, formatter(state, exception));
        }
    }

    public void Dispose() { }
}
