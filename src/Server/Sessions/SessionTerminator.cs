using System.Net.WebSockets;
using GuruConnect.Protocol;
using GuruConnect.Protocol.V1;

namespace GuruConnect.Server.Sessions;

/// <summary>
/// Ends a session now (<c>DELETE /api/sessions/{id}</c>, a removed machine): takes it out of the registry
/// and closes its sockets, each told why with a <c>SessionNotice</c> and <c>Disconnect</c> first.
/// </summary>
internal sealed class SessionTerminator(SessionRegistry sessions, ILogger<SessionTerminator> logger)
{
    public bool Remove(Guid sessionId, string reason)
    {
        if (sessions.Find(sessionId) is not { } session ||
            !sessions.TryRemove(session, static _ => true, out var agent, out var viewers))
        {
            return false;
        }

        SessionsLog.Removed(logger, sessionId, reason);
        var notice = SessionNotices.Notice(SessionNoticeKind.SessionEnding, "The session was ended on the server.");
        var status = reason == CloseReasons.Removed ? WebSocketCloseStatus.PolicyViolation : WebSocketCloseStatus.NormalClosure;
        if (agent is not null)
        {
            agent.Connection.Send(notice);
            agent.Connection.Close(status, reason, SessionNotices.Disconnect(reason));
        }

        foreach (var viewer in viewers)
        {
            viewer.Connection.Send(notice);
            viewer.Connection.Close(WebSocketCloseStatus.NormalClosure, CloseReasons.SessionEnded, SessionNotices.Disconnect(CloseReasons.SessionEnded));
        }

        return true;
    }
}
