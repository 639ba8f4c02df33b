namespace GuruConnect.Agent.Logging;

/// <summary>
/// The agent's small structured logger. Feature log classes (<c>EnrollmentLog</c>, …) are the
/// only callers, one method per event with a stable id, in the shape of <c>[LoggerMessage]</c>.
/// </summary>
internal sealed class AgentLogger(TimeProvider time, AgentLogLevel minimumLevel, IReadOnlyList<ILogSink> sinks)
{
    public bool IsEnabled(AgentLogLevel level) => level >= minimumLevel && sinks.Count > 0;

    public void Log(AgentLogLevel level, string category, int eventId, string eventName, string message, Exception? exception = null)
    {
        if (!IsEnabled(level))
        {
            return;
        }

        var entry = new LogEntry(time.GetUtcNow(), level, category, eventId, eventName, message, exception);
        foreach (var sink in sinks)
        {
            sink.Write(entry);
        }
    }

    /// <summary>Reads <c>GURUCONNECT_LOG_LEVEL</c> (debug, information, warning, error); anything else is <paramref name="fallback"/>.</summary>
    public static AgentLogLevel ParseLevel(string? value, AgentLogLevel fallback = AgentLogLevel.Information) => value?.Trim().ToUpperInvariant() switch
    {
        "DEBUG" or "TRACE" => AgentLogLevel.Debug,
        "INFORMATION" or "INFO" => AgentLogLevel.Information,
        "WARNING" or "WARN" => AgentLogLevel.Warning,
        "ERROR" => AgentLogLevel.Error,
        _ => fallback,
    };
}
