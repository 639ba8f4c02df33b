using System.Data.Common;
using GuruConnect.Protocol;
using GuruConnect.Server.Audit;
using GuruConnect.Server.Relay;
using GuruConnect.Server.Sessions;

namespace GuruConnect.Server.SupportCodes;

/// <summary>
/// The lifecycle of an attended session on the agent plane: started with the consumed code, relayed
/// like any other, and ended — with its viewers told and the code recorded as over — as soon as the
/// agent leaves. A code cancelled between its use and the hello ends the session at once.
/// </summary>
internal sealed class SupportSessions(
    SessionRegistry sessions,
    SessionTerminator terminator,
    SupportCodeStore codes,
    AuditLog audit,
    RelayMetrics metrics,
    TimeProvider time,
    ILogger<SupportSessions> logger)
{
    /// <summary>Runs the session around <paramref name="relay"/>, the agent plane's loop.</summary>
    public async Task<ConnectionEnd> RunAsync(
        AgentConnection agent, SupportCodeRecord code, string ip,
        Func<AgentConnection, RelaySession, CancellationToken, Task<ConnectionEnd>> relay, CancellationToken cancellationToken)
    {
        var session = sessions.StartSupport(agent, code.Code, code.CreatedBy, time.GetUtcNow());
        metrics.AgentAttached();
        var end = ConnectionEnd.ClosedByServer;
        try
        {
            if (!await IsStillWantedAsync(session.Id, cancellationToken))
            {
                terminator.Remove(session.Id, CloseReasons.SessionEnded);
            }

            SupportCodesLog.SessionStarted(logger, session.Id, code.Id, ip);
            await audit.WriteAsync(new AuditEntry(AuditEventTypes.SupportSessionStarted, code.CreatedByName, code.CreatedBy, SessionId: session.Id, Ip: ip,
                Details: new Dictionary<string, object?> { ["codeId"] = code.Id }), cancellationToken);
            end = await relay(agent, session, cancellationToken);
            return end;
        }
        finally
        {
            session.DetachAgent(agent, time.GetUtcNow());
            terminator.Remove(session.Id, CloseReasons.SessionEnded);
            metrics.AgentDetached();
            var reason = agent.Connection.CloseReason ?? end.ToString();
            SupportCodesLog.SessionEnded(logger, session.Id, end, reason);
            await MarkEndedAsync(session.Id);

            await audit.WriteAsync(new AuditEntry(AuditEventTypes.SupportSessionEnded, SessionId: session.Id, Ip: ip,
                Details: new Dictionary<string, object?> { ["codeId"] = code.Id, ["reason"] = reason }), CancellationToken.None);
        }
    }

    /// <summary>The code was used up by the upgrade, but the agent never said hello: record that its session is over.</summary>
    public Task AbandonedAsync(Guid sessionId) => MarkEndedAsync(sessionId);

    private async Task MarkEndedAsync(Guid sessionId)
    {
        try
        {
            await codes.MarkEndedAsync(sessionId, CancellationToken.None);
        }
        catch (DbException e)
        {
            SupportCodesLog.SessionEndFailed(logger, sessionId, e);
        }
    }

    /// <summary>Whether the code behind a support session is still uncancelled; a database that does not answer ends it (fail closed).</summary>
    private async Task<bool> IsStillWantedAsync(Guid sessionId, CancellationToken cancellationToken)
    {
        try
        {
            return await codes.IsSessionRunningAsync(sessionId, cancellationToken);
        }
        catch (DbException e)
        {
            SupportCodesLog.SessionEndFailed(logger, sessionId, e);
            return false;
        }
    }
}
