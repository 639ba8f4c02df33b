using System.Globalization;

namespace GuruConnect.Agent.Logging;

internal static class LogFormatter
{
    // One line per event: time, level, category[event id] event name, message. Exceptions add
    // their type and message only; stack traces stay out of logs an MSP may forward.
    public static string Format(in LogEntry entry)
    {
        var level = entry.Level switch
        {
            AgentLogLevel.Debug => "DBG",
            AgentLogLevel.Information => "INF",
            AgentLogLevel.Warning => "WRN",
            _ => "ERR",
        };
        var line = string.Create(
            CultureInfo.InvariantCulture,
            $"{entry.Timestamp.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ} {level} {entry.Category}[{entry.EventId}] {entry.EventName}: {entry.Message}");
        return entry.Exception is null
            ? line
            : string.Create(CultureInfo.InvariantCulture, $"{line} ({entry.Exception.GetType().Name}: {entry.Exception.Message})");
    }
}
