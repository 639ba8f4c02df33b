using System.Globalization;
using Microsoft.Extensions.Logging;

namespace GuruConnect.Agent.Logging;

/// <summary>The rolling file's line format: time, level, category[event id] event name, message.</summary>
internal static class LogLine
{
    // Exceptions add their type and message only: stack traces stay out of a file an MSP may forward.
    public static string Format(DateTimeOffset timestamp, LogLevel level, string category, EventId eventId, string message, Exception? exception)
    {
        var line = string.Create(
            CultureInfo.InvariantCulture,
            $"{timestamp.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ} {Abbreviation(level)} {ShortCategory(category)}[{eventId.Id}] {eventId.Name}: {message}");
        return exception is null
            ? line
            : string.Create(CultureInfo.InvariantCulture, $"{line} ({exception.GetType().Name}: {exception.Message})");
    }

    private static string Abbreviation(LogLevel level) => level switch
    {
        LogLevel.Trace => "TRC",
        LogLevel.Debug => "DBG",
        LogLevel.Information => "INF",
        LogLevel.Warning => "WRN",
        LogLevel.Error => "ERR",
        _ => "CRT",
    };

    // "GuruConnect.Agent.Transport.AgentLink" → "AgentLink"; other libraries keep their full category.
    private static string ShortCategory(string category) =>
        category.StartsWith("GuruConnect.Agent.", StringComparison.Ordinal) ? category[(category.LastIndexOf('.') + 1)..] : category;
}
