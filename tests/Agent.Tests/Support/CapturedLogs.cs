using System.Collections.Concurrent;
using GuruConnect.Agent.Logging;
using Microsoft.Extensions.Logging;

namespace GuruConnect.Agent.Tests.Support;

/// <summary>Every line the agent logs, in the rolling file's format, at every level.</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<(LogLevel Level, EventId EventId, string Line)> _entries = new();

    public IReadOnlyList<(LogLevel Level, EventId EventId, string Line)> Entries => [.. _entries];

    public string AllText => string.Join('\n', _entries.Select(e => e.Line));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <summary>A logger for code a test builds by hand.</summary>
    public ILogger<T> For<T>()
    {
        var factory = LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(this));
        return factory.CreateLogger<T>();
    }

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._entries.Enqueue((logLevel, eventId, LogLine.Format(DateTimeOffset.UnixEpoch, logLevel, category, eventId, formatter(state, exception), exception)));
    }
}
