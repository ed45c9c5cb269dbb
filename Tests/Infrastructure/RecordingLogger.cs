using Microsoft.Extensions.Logging;

namespace BtrfsToS3.Tests.Infrastructure;

/// <summary>A logger that keeps every message with its event, for tests of what is logged and how often.</summary>
internal sealed class RecordingLogger : ILogger
{
    private readonly Lock _gate = new();
    private readonly List<(EventId Event, string Message)> _entries = [];

    public IReadOnlyList<(EventId Event, string Message)> Entries
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(
        LogLevel logLevel,
        EventId eventId,
        TState state,
        Exception? exception,
        Func<TState, Exception?, string> formatter
    )
    {
        lock (_gate)
        {
            _entries.Add((eventId, formatter(state, exception)));
        }
    }
}
