using System.Security.Claims;
using GuruConnect.Protocol;
using GuruConnect.Server.Audit;
using GuruConnect.Server.Auth;
using GuruConnect.Server.Errors;
using GuruConnect.Server.Network;
using GuruConnect.Server.Relay;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GuruConnect.Server.Sessions;

internal static class SessionsApi
{
    public static IEndpointRouteBuilder MapSessionsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/sessions").WithTags("Sessions").RequireAuthorization();
        group.MapGet("/", List);
        group.MapPost("/{id:guid}/viewer-token", IssueViewerToken);
        group.MapGet("/{id:guid}/events", EventsAsync);
        group.MapDelete("/{id:guid}", DeleteAsync).RequireAuthorization(AuthPolicies.Admin);
        return app;
    }

    internal static Ok<List<SessionResponse>> List(SessionRegistry sessions) =>
        TypedResults.Ok(sessions.All.OrderBy(s => s.StartedAt).ThenBy(s => s.Id).Select(ToResponse).ToList());

    internal static async Task<Results<Created<ViewerTokenResponse>, ProblemHttpResult>> IssueViewerToken(
        Guid id, ClaimsPrincipal principal, SessionRegistry sessions, ViewerTokens tokens, CancellationToken cancellationToken)
    {
        if (sessions.Find(id) is not { } session)
        {
            return SessionNotFound();
        }

        if (!ViewerAccess.MayView(principal, session))
        {
            return ApiProblem.Create(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, "Forbidden", "You may not view this machine.");
        }

        var issued = await tokens.IssueAsync(principal, session.Id, cancellationToken);
        return TypedResults.Created((string?)null, new ViewerTokenResponse(issued.Token, issued.ExpiresAt));
    }

    internal static async Task<Results<Ok<Page<AuditEventResponse>>, ValidationProblem>> EventsAsync(
        Guid id, AuditQuery query, CancellationToken cancellationToken, int page = 1, int pageSize = 50)
    {
        if (page < 1 || pageSize is < 1 or > 500)
        {
            return ApiProblem.Invalid("page", "page starts at 1; pageSize is 1 to 500.");
        }

        var (items, total) = await query.FindAsync(new AuditFilter(null, null, id, null, null), page, pageSize, cancellationToken);
        return TypedResults.Ok(new Page<AuditEventResponse>(items, total, page, pageSize));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        Guid id, ClaimsPrincipal principal, HttpContext context, SessionRegistry sessions, SessionTerminator terminator, AuditLog audit,
        CancellationToken cancellationToken)
    {
        var machineId = sessions.Find(id)?.FleetMachineId;
        if (!terminator.Remove(id, CloseReasons.SessionEnded))
        {
            return SessionNotFound();
        }

        await audit.WriteAsync(new AuditEntry(AuditEventTypes.SessionRemoved, principal.Username(), principal.Id(), machineId, id, ClientAddress.Of(context)),
            cancellationToken);
        return TypedResults.NoContent();
    }

    private static SessionResponse ToResponse(RelaySession session)
    {
        var controller = session.Controller;
        return new SessionResponse(
            session.Id,
            session.MachineId,
            session.Kind,
            session.Agent is not null,
            session.Viewers.Select(v => new SessionViewerResponse(v.ViewerId, v.Username, v.Since, v == controller)).ToList(),
            session.StartedAt,
            session.SupportCode);
    }

    private static ProblemHttpResult SessionNotFound() => ApiProblem.NotFound(RelayErrorCodes.SessionNotFound, "No session with this id.");
}
