using System.Buffers;
using System.Net.WebSockets;
using GuruConnect.Protocol;
using GuruConnect.Server.Audit;
using GuruConnect.Server.Errors;
using GuruConnect.Server.Machines;
using GuruConnect.Server.Network;
using GuruConnect.Server.Sessions;
using GuruConnect.Server.SupportCodes;
using Microsoft.Extensions.Options;

namespace GuruConnect.Server.Relay;

/// <summary>
/// <c>GET /ws/agent</c> (docs/protocol.md "Agent plane"): authentication before the upgrade, then the hello,
/// the session attach (superseding an older socket of the same machine) and the relay loop. An
/// attended session's lifecycle is <see cref="SupportSessions"/>'s; this plane only runs its loop.
/// </summary>
internal sealed partial class AgentPlane(
    AgentAuthenticator authenticator,
    BootstrapProvisioner bootstrap,
    MachineStore machines,
    MachineKeyStore keys,
    SessionRegistry sessions,
    ConnectionTracker tracker,
    MachinePresence presence,
    InventoryWriter inventory,
    SupportSessions support,
    AuditLog audit,
    RelayMetrics metrics,
    IOptions<RelayOptions> options,
    TimeProvider time,
    ILogger<AgentPlane> logger)
{
    // Stateless apart from its pool: one reader serves every agent socket, capped at 4 MiB before allocation.
    // It starts at 256 KiB (typical frames need no regrowth copies; idle sockets still hold nothing, and a
    // small message is moved to a right-sized buffer before it is queued: OutgoingFrame.Own). bench/Relay.
    private readonly WebSocketMessageReader reader = new(ProtocolLimits.MaxAgentMessageBytes, ArrayPool<byte>.Shared, 256 * 1024);

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        var ip = ClientAddress.Of(context);
        var admission = await authenticator.AdmitAsync(context.Request, ip, context.RequestAborted);
        if (!admission.IsAccepted)
        {
            RelayLog.AgentRefused(logger, ip, admission.Reason);
            return admission.Kind switch
            {
                AgentAdmissionKind.Pending => ApiProblem.Create(StatusCodes.Status403Forbidden, RelayErrorCodes.MachinePending, "Machine pending approval",
                    "This machine is waiting for an admin to approve it; it may connect once approved."),
                AgentAdmissionKind.RateLimited => ApiProblem.RateLimited(context, admission.RetryAfter),
                _ => ApiProblem.Create(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized, "Unauthorized",
                    "Present this machine's key as `Authorization: Bearer cak_…`, or a live support code as `?supportCode=123456`."),
            };
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            return ApiProblem.Create(StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest, "WebSocket expected", "Connect with a WebSocket upgrade.");
        }

        if (admission.Kind == AgentAdmissionKind.SharedKey)
        {
            RelayLog.SharedKeyUsed(logger, ip);
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { KeepAliveInterval = TimeSpan.Zero });
        using var connection = new RelayConnection(socket, ConnectionKind.Agent, options.Value.MaxQueuedBytesPerAgent, time, options.Value.CloseGrace, context.RequestAborted);
        tracker.Add(connection);
        try
        {
            await connection.RunAsync(cancellationToken => RunAsync(connection, admission, ip, cancellationToken));
        }
        finally
        {
            tracker.Remove(connection);
        }

        return Results.Empty;
    }

    private async Task<ConnectionEnd> RunAsync(RelayConnection connection, AgentAdmission admission, string ip, CancellationToken cancellationToken)
    {
        var (hello, end) = await ReadHelloAsync(connection, cancellationToken);
        if (hello is null)
        {
            if (admission.Kind == AgentAdmissionKind.SupportCode)
            {
                // The code was used up by the upgrade, but no session ever started: record that it is over.
                await support.AbandonedAsync(admission.SupportSessionId);
            }

            return end;
        }

        if (await IdentifyAsync(connection, admission, hello, ip, cancellationToken) is not { } identity)
        {
            return ConnectionEnd.ClosedByServer;
        }

        var agent = identity.Agent;
        connection.AwaitingHello = false;
        if (identity.ProvisionedKey is { } key)
        {
            connection.Send(new Protocol.V1.Envelope { AgentKeyProvision = new Protocol.V1.AgentKeyProvision { Key = key } });
        }

        if (agent.IsSupport)
        {
            return await support.RunAsync(agent, admission.SupportCode!, ip, RelayAsync, cancellationToken);
        }

        var session = sessions.AttachAgent(agent, identity.StartedAt, time.GetUtcNow(), out var superseded);
        presence.Connected(agent.MachineId);
        metrics.AgentAttached();
        try
        {
            if (superseded is not null)
            {
                RelayLog.AgentSuperseded(logger, agent.MachineId);
                superseded.Connection.Close(WebSocketCloseStatus.NormalClosure, CloseReasons.Superseded, SessionNotices.Disconnect(CloseReasons.Superseded));
            }

            // A key revoked between the authentication and the attach raised its event before this socket
            // was findable; checking once more after the attach closes that window (docs/security.md §11).
            if (agent.KeyId is { } keyId && !await keys.IsLiveAsync(keyId, cancellationToken))
            {
                CloseRevoked(agent);
            }

            RelayLog.AgentConnected(logger, agent.MachineId, ip);
            await audit.WriteAsync(new AuditEntry(AuditEventTypes.AgentConnected, MachineId: agent.MachineId, SessionId: session.Id, Ip: ip,
                Details: new Dictionary<string, object?> { ["auth"] = admission.Kind == AgentAdmissionKind.SharedKey ? "shared_key" : "machine_key" }), cancellationToken);
            end = await RelayAsync(agent, session, cancellationToken);
            return end;
        }
        finally
        {
            if (session.DetachAgent(agent, time.GetUtcNow()))
            {
                await inventory.FlushOnLeaveAsync(agent); // a superseded socket's older report must not overwrite its successor's
            }

            presence.Disconnected(agent.MachineId);
            metrics.AgentDetached();
            var reason = connection.CloseReason ?? end.ToString();
            RelayLog.AgentDisconnected(logger, agent.MachineId, end, reason);
            await audit.WriteAsync(new AuditEntry(AuditEventTypes.AgentDisconnected, MachineId: agent.MachineId, SessionId: session.Id, Ip: ip,
                Details: new Dictionary<string, object?> { ["reason"] = reason }), CancellationToken.None);
        }
    }

    /// <summary>Closes an agent whose key was revoked: a notice, <c>Disconnect</c>, then the close frame.</summary>
    public void CloseRevoked(AgentConnection agent)
    {
        RelayLog.AgentClosed(logger, agent.MachineId, CloseReasons.Revoked);
        agent.Connection.Send(SessionNotices.Notice(Protocol.V1.SessionNoticeKind.KeyRevoked, "This machine's key was revoked."));
        agent.Connection.Close(WebSocketCloseStatus.PolicyViolation, CloseReasons.Revoked, SessionNotices.Disconnect(CloseReasons.Revoked));
    }
}
