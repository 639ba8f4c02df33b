namespace GuruConnect.Server.Relay;

internal static partial class RelayLog
{
    /// <summary>One line per closed socket; the payload itself is never logged (it may hold input or chat).</summary>
    [LoggerMessage(1590, LogLevel.Warning, "Closed a {Plane} socket of session {SessionId} with 1007: a {Length}-byte message was not a valid protobuf envelope")]
    public static partial void Malformed(ILogger logger, string plane, Guid sessionId, int length);
}
