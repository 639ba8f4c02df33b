namespace GuruConnect.Server.Errors;

/// <summary>Event ids 1200–1299.</summary>
internal static partial class ErrorsLog
{
    [LoggerMessage(1200, LogLevel.Error, "Unhandled exception for {Method} {Path}")]
    public static partial void Unhandled(ILogger logger, string method, PathString path, Exception exception);
}
