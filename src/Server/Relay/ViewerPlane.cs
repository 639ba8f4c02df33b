using System.Net.WebSockets;
using GuruConnect.Protocol;
using GuruConnect.Server.Audit;
using GuruConnect.Server.Auth;
using GuruConnect.Server.Errors;
using GuruConnect.Server.Machines;
using GuruConnect.Server.Network;
using GuruConnect.Server.Sessions;
using GuruConnect.Server.Users;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace GuruConnect.Server.Relay;

/// <summary>
/// <c>GET /ws/viewer?session={id}&amp;token={viewerToken}</c> (docs/protocol.md "Viewer plane"): the five ordered
/// checks before the upgrade, then the viewer joins its session. An offline agent does not refuse the
/// viewer: it is accepted and told "waiting for the agent" (docs/protocol.md "Relay behaviour").
/// </summary>
internal sealed partial class ViewerPlane(
    ViewerTokens tokens,
    ViewerTokenUses uses,
    RevokedTokens revoked,
    UserStore users,
    SessionRegistry sessions,
    ConnectionTracker tracker,
    MachinePresence presence,
    AuditLog audit,
    RelayMetrics metrics,
    IOptions<RelayOptions> options,
    TimeProvider time,
    ILogger<ViewerPlane> logger)
{
    // One reader for every viewer socket, capped at 64 KiB before allocation.
    private readonly WebSocketMessageReader reader = new(ProtocolLimits.MaxViewerMessageBytes);

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        var ip = ClientAddress.Of(context);
        var cancellationToken = context.RequestAborted;
        var query = context.Request.Query;

        // 1–2: signature, expiry, purpose "viewer" (a login token is refused).
        var grant = await tokens.ValidateAsync(query["token"].ToString());
        if (grant is null)
        {
            return Refuse(ip, StatusCodes.Status401Unauthorized, "invalid token");
        }

        // 3: not revoked (logout of the minting user), not used before, user still there, and the login
        // session that minted it not ended by a password change since.
        if ((grant.LoginJti is { } loginJti && revoked.IsRevoked(loginJti)) || revoked.IsRevoked(grant.Jti) ||
            await uses.IsUsedAsync(grant.Jti, cancellationToken) || await users.FindByIdAsync(grant.UserId, cancellationToken) is not { } user ||
            (grant.LoginJti is { } minter && !user.AcceptsLoginToken(grant.LoginGeneration, minter)))
        {
            return Refuse(ip, StatusCodes.Status401Unauthorized, "revoked or used token");
        }

        // 4: the token is bound to the session asked for.
        if (!Guid.TryParse(query["session"].ToString(), out var sessionId) || !Guid.TryParse(grant.SessionId, out var granted) || granted != sessionId)
        {
            return Refuse(ip, StatusCodes.Status403Forbidden, "token for another session");
        }

        // 5: the session exists. (An offline agent is not a refusal: the viewer waits for it.)
        if (sessions.Find(sessionId) is not { } session)
        {
            return Refuse(ip, StatusCodes.Status404NotFound, "no such session");
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            return ApiProblem.Create(StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest, "WebSocket expected", "Connect with a WebSocket upgrade.");
        }

        // Single use: redeemed only now, atomically, so a refused attempt does not burn the token and of
        // two racing uses exactly one wins.
        if (!await uses.TryRedeemAsync(grant.Jti, grant.ExpiresAt, cancellationToken))
        {
            return Refuse(ip, StatusCodes.Status401Unauthorized, "token already used");
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { KeepAliveInterval = TimeSpan.Zero });
        using var connection = new RelayConnection(socket, ConnectionKind.Viewer, options.Value.MaxQueuedBytesPerViewer, time, options.Value.CloseGrace, cancellationToken);
        var viewer = new ViewerConnection(connection, Guid.NewGuid().ToString("N"), grant.UserId, grant.Username, time.GetUtcNow(),
            new InputThrottle(options.Value.ViewerInputPerSecond, time));
        tracker.Add(connection);
        try
        {
            await connection.RunAsync(token => RunAsync(viewer, session, ip, token));
        }
        finally
        {
            tracker.Remove(connection);
        }

        return Results.Empty;
    }

    private async Task<ConnectionEnd> RunAsync(ViewerConnection viewer, RelaySession session, string ip, CancellationToken cancellationToken)
    {
        // Counted before the session announces the viewer: once the agent (or another viewer) has heard of
        // the join, the machines list and the gauge already show it (ForwardingTests read them at that point).
        presence.ViewerJoined(session.MachineId, new ActiveViewer(viewer.ViewerId, viewer.Username, viewer.Since));
        metrics.ViewerJoined();
        if (!session.TryAddViewer(viewer))
        {
            presence.ViewerLeft(session.MachineId, viewer.ViewerId);
            metrics.ViewerLeft();
            viewer.Connection.Close(WebSocketCloseStatus.NormalClosure, CloseReasons.SessionEnded, SessionNotices.Disconnect(CloseReasons.SessionEnded));
            return ConnectionEnd.ClosedByServer;
        }

        RelayLog.ViewerJoined(logger, viewer.ViewerId, viewer.Username, session.Id);
        await audit.WriteAsync(new AuditEntry(AuditEventTypes.ViewerJoined, viewer.Username, viewer.UserId, session.FleetMachineId, session.Id, ip,
            new Dictionary<string, object?> { ["viewerId"] = viewer.ViewerId }), cancellationToken);
        var end = ConnectionEnd.Aborted;
        try
        {
            end = await RelayAsync(viewer, session, cancellationToken);
            return end;
        }
        finally
        {
            session.RemoveViewer(viewer, time.GetUtcNow());
            presence.ViewerLeft(session.MachineId, viewer.ViewerId);
            metrics.ViewerLeft();
            var reason = viewer.Connection.CloseReason ?? end.ToString();
            RelayLog.ViewerLeft(logger, viewer.ViewerId, session.Id, end, reason);
            await audit.WriteAsync(new AuditEntry(AuditEventTypes.ViewerLeft, viewer.Username, viewer.UserId, session.FleetMachineId, session.Id, ip,
                new Dictionary<string, object?> { ["viewerId"] = viewer.ViewerId, ["reason"] = reason }), CancellationToken.None);
        }
    }

    private ProblemHttpResult Refuse(string ip, int status, string reason)
    {
        RelayLog.ViewerRefused(logger, ip, status, reason);
        return status switch
        {
            StatusCodes.Status403Forbidden => ApiProblem.Create(status, RelayErrorCodes.SessionMismatch, "Forbidden", "This viewer token is for another session."),
            StatusCodes.Status404NotFound => ApiProblem.NotFound(RelayErrorCodes.SessionNotFound, "No session with this id."),
            _ => ApiProblem.Create(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized, "Unauthorized",
                "The viewer token is missing, invalid, expired, used or revoked; ask for a new one."),
        };
    }
}
