using System.Collections.Concurrent;
using GuruConnect.Agent.Logging;

namespace GuruConnect.Agent.Tests.Support;

internal sealed class CapturingLogSink : ILogSink
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    public string AllText => string.Join('\n', _entries.Select(e => LogFormatter.Format(e)));

    public void Write(in LogEntry entry) => _entries.Enqueue(entry);

    public AgentLogger CreateLogger(TimeProvider? time = null) => new(time ?? TimeProvider.System, AgentLogLevel.Debug, [this]);
}
