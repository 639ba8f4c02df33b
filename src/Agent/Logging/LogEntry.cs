namespace GuruConnect.Agent.Logging;

internal readonly record struct LogEntry(
    DateTimeOffset Timestamp,
    AgentLogLevel Level,
    string Category,
    int EventId,
    string EventName,
    string Message,
    Exception? Exception);
