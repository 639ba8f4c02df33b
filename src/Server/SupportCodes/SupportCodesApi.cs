using System.Security.Claims;
using GuruConnect.Protocol;
using GuruConnect.Server.Audit;
using GuruConnect.Server.Auth;
using GuruConnect.Server.Errors;
using GuruConnect.Server.Network;
using GuruConnect.Server.Sessions;
using GuruConnect.Server.Users;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GuruConnect.Server.SupportCodes;

/// <summary>
/// Attended support codes (docs/api.md): a technician creates a 6-digit code and reads it to the end user,
/// whose support agent connects with it to <c>/ws/agent?supportCode=</c>. The code never appears in a
/// log or an audit row; only its id does.
/// </summary>
internal static class SupportCodesApi
{
    private const int MaxNoteLength = 200;

    public static IEndpointRouteBuilder MapSupportCodesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/codes").WithTags("Support codes");
        group.MapPost("/", CreateAsync).RequireAuthorization();
        group.MapGet("/", ListAsync).RequireAuthorization();
        group.MapPost("/{code}/cancel", CancelAsync).RequireAuthorization();
        group.MapGet("/{code}/validate", ValidateAsync).AllowAnonymous();
        return app;
    }

    internal static async Task<Results<Created<SupportCodeCreatedResponse>, ProblemHttpResult, ValidationProblem>> CreateAsync(
        CreateSupportCodeRequest? request, ClaimsPrincipal principal, HttpContext context, SupportCodeStore codes, AuditLog audit,
        CancellationToken cancellationToken)
    {
        var note = string.IsNullOrWhiteSpace(request?.Note) ? null : request.Note.Trim();
        if (note is { Length: > MaxNoteLength })
        {
            return ApiProblem.Invalid("note", $"At most {MaxNoteLength} characters.");
        }

        if (await codes.CreateAsync(principal.Id(), principal.Username(), note, cancellationToken) is not { } created)
        {
            return ApiProblem.Conflict(SupportCodeErrorCodes.TooManyCodes,
                "You hold the maximum number of unused support codes. Cancel one you no longer need (POST /api/codes/{code}/cancel) or let it expire.");
        }

        await audit.WriteAsync(new AuditEntry(AuditEventTypes.SupportCodeCreated, principal.Username(), principal.Id(), Ip: ClientAddress.Of(context),
            Details: new Dictionary<string, object?> { ["codeId"] = created.Id, ["expiresAt"] = created.ExpiresAt }), cancellationToken);
        return TypedResults.Created((string?)null, new SupportCodeCreatedResponse(created.Code, created.ExpiresAt));
    }

    internal static async Task<Ok<List<SupportCodeResponse>>> ListAsync(ClaimsPrincipal principal, SupportCodeStore codes, CancellationToken cancellationToken)
    {
        var owner = principal.IsInRole(Roles.Admin) ? (Guid?)null : principal.Id();
        var live = await codes.ListLiveAsync(owner, cancellationToken);
        return TypedResults.Ok(live.Select(c => new SupportCodeResponse(c.Code, c.ExpiresAt, c.CreatedAt, c.CreatedByName, c.Note)).ToList());
    }

    /// <summary>Cancels a live code, or ends the session a used code started (the end user's agent is told and exits).</summary>
    internal static async Task<Results<NoContent, ProblemHttpResult>> CancelAsync(
        string code, ClaimsPrincipal principal, HttpContext context, SupportCodeStore codes, SessionTerminator terminator, AuditLog audit,
        CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            if (!SupportCodeGuard.IsWellFormed(code) || await codes.FindCancellableAsync(code, cancellationToken) is not { } found)
            {
                return CodeInvalid();
            }

            if (found.CreatedBy != principal.Id() && !principal.IsInRole(Roles.Admin))
            {
                return CodeInvalid(); // the same answer as no code: another technician's codes are not probed here
            }

            if (!await codes.CancelAsync(found, cancellationToken))
            {
                continue; // used (or ended) between the read and the update: read it again
            }

            if (found.SessionId is { } sessionId)
            {
                terminator.Remove(sessionId, CloseReasons.SessionEnded);
            }

            await audit.WriteAsync(new AuditEntry(AuditEventTypes.SupportCodeCancelled, principal.Username(), principal.Id(), SessionId: found.SessionId,
                Ip: ClientAddress.Of(context), Details: new Dictionary<string, object?> { ["codeId"] = found.Id, ["wasUsed"] = found.SessionId is not null }),
                cancellationToken);
            return TypedResults.NoContent();
        }

        return CodeInvalid();
    }

    /// <summary>Public: lets the download page and the support agent check a code before connecting.</summary>
    internal static async Task<Results<Ok<SupportCodeValidResponse>, ProblemHttpResult>> ValidateAsync(
        string code, HttpContext context, SupportCodeStore codes, SupportCodeGuard guard, CancellationToken cancellationToken)
    {
        var ip = ClientAddress.Of(context);
        var decision = guard.TryCheck(ip);
        if (!decision.Allowed)
        {
            return ApiProblem.RateLimited(context, decision.RetryAfter);
        }

        if (!SupportCodeGuard.IsWellFormed(code) || !await codes.IsLiveAsync(code, cancellationToken))
        {
            guard.Failed(ip);
            return CodeInvalid();
        }

        return TypedResults.Ok(new SupportCodeValidResponse(true));
    }

    private static ProblemHttpResult CodeInvalid() => ApiProblem.NotFound(SupportCodeErrorCodes.CodeInvalid,
        "This support code is not valid: it may have expired (codes last 30 minutes), been used already, or been cancelled. Create a new one.");
}
