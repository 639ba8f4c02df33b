using GuruConnect.Server.Relay;

namespace GuruConnect.Server.SupportCodes;

/// <summary>
/// Support-session events. They keep the ids they had in the relay's range (1517–1519) so log
/// queries keep working; new support-code events take 1700–1799. Never a code: ids only.
/// </summary>
internal static partial class SupportCodesLog
{
    [LoggerMessage(1517, LogLevel.Information, "Support session {SessionId} started with code {CodeId} from {Ip}")]
    public static partial void SessionStarted(ILogger logger, Guid sessionId, Guid codeId, string ip);

    [LoggerMessage(1518, LogLevel.Information, "Support session {SessionId} ended: {End} ({Reason})")]
    public static partial void SessionEnded(ILogger logger, Guid sessionId, ConnectionEnd end, string reason);

    [LoggerMessage(1519, LogLevel.Warning, "Reading or recording the support code behind session {SessionId} failed")]
    public static partial void SessionEndFailed(ILogger logger, Guid sessionId, Exception exception);
}
