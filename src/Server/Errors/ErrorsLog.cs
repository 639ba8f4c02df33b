namespace GuruConnect.Server.Errors;

/// <summary>Event ids 1200–1299.</summary>
internal static partial class ErrorsLog
{
    // The route is a template string ("/api/machines/{id:guid}", or "unmatched"), not a PathString: a
    // PathString refuses values without a leading '/', and a throw here used to leave every 500 without a body.
    [LoggerMessage(1200, LogLevel.Error, "Unhandled exception for {Method} {Route} (traceId {TraceId})")]
    public static partial void Unhandled(ILogger logger, string method, string route, string traceId, Exception exception);

    [LoggerMessage(1201, LogLevel.Warning, "Database unavailable for {Method} {Route} (traceId {TraceId}): {Kind}; answered 503. {Suppressed} more such requests since the last line")]
    public static partial void DatabaseUnavailable(ILogger logger, string method, string route, string traceId, string kind, int suppressed);
}
