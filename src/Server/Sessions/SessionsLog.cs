namespace GuruConnect.Server.Sessions;

/// <summary>Session events, ids 1600–1699.</summary>
internal static partial class SessionsLog
{
    [LoggerMessage(1600, LogLevel.Information, "Restored {Count} managed sessions as offline")]
    public static partial void Restored(ILogger logger, int count);

    [LoggerMessage(1601, LogLevel.Information, "Reaped session {SessionId}: offline with no viewers since {LastActiveAt:o}")]
    public static partial void Reaped(ILogger logger, Guid sessionId, DateTimeOffset lastActiveAt);

    [LoggerMessage(1602, LogLevel.Information, "Session {SessionId} removed ({Reason})")]
    public static partial void Removed(ILogger logger, Guid sessionId, string reason);

    [LoggerMessage(1603, LogLevel.Error, "Restoring sessions failed; they reappear as their agents reconnect")]
    public static partial void RestoreFailed(ILogger logger, Exception exception);
}
