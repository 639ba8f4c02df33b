using System.Security.Claims;
using GuruConnect.Server.Audit;
using GuruConnect.Server.Data;
using GuruConnect.Server.Errors;
using GuruConnect.Server.Network;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GuruConnect.Server.Auth;

/// <summary>Personal API tokens: <c>gcp_…</c>, shown once, stored hashed, revocable, carry the user's role.</summary>
internal static class ApiTokensApi
{
    public static IEndpointRouteBuilder MapApiTokensApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/tokens").WithTags("Auth").RequireAuthorization();
        group.MapPost("/", CreateAsync);
        group.MapGet("/", ListAsync);
        group.MapDelete("/{id:guid}", RevokeAsync);
        return app;
    }

    internal static async Task<Results<Created<CreatedApiToken>, ValidationProblem>> CreateAsync(
        CreateApiTokenRequest request, ClaimsPrincipal principal, HttpContext context, ApiTokenStore store, TimeProvider time,
        AuditLog audit, CancellationToken cancellationToken)
    {
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100)
        {
            return ApiProblem.Invalid("name", "Give the token a name of 1 to 100 characters, e.g. the integration that uses it.");
        }

        if (request.ExpiresInDays is < 1 or > 3650)
        {
            return ApiProblem.Invalid("expiresInDays", "Use 1 to 3650 days, or leave it out for a token that never expires.");
        }

        DateTimeOffset? expiresAt = request.ExpiresInDays is { } days ? time.GetUtcNow().AddDays(days) : null;
        var (record, token) = await store.CreateAsync(Tenants.Default, principal.Id(), name, expiresAt, cancellationToken);
        await audit.WriteAsync(new AuditEntry(AuditEventTypes.ApiTokenCreated, principal.Username(), principal.Id(), Ip: ClientAddress.Of(context),
            Details: new Dictionary<string, object?> { ["tokenId"] = record.Id, ["name"] = name }), cancellationToken);
        return TypedResults.Created($"/api/tokens/{record.Id}", new CreatedApiToken(record.Id, record.Name, token, record.ExpiresAt));
    }

    internal static async Task<Ok<List<ApiTokenResponse>>> ListAsync(ClaimsPrincipal principal, ApiTokenStore store, CancellationToken cancellationToken)
    {
        var tokens = await store.ListAsync(principal.Id(), cancellationToken);
        return TypedResults.Ok(tokens.Select(t => new ApiTokenResponse(t.Id, t.Name, t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.RevokedAt)).ToList());
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(
        Guid id, ClaimsPrincipal principal, HttpContext context, ApiTokenStore store, AuditLog audit, CancellationToken cancellationToken)
    {
        if (!await store.RevokeAsync(principal.Id(), id, cancellationToken))
        {
            return ApiProblem.NotFound(ErrorCodes.TokenNotFound, "No token with this id belongs to you.");
        }

        await audit.WriteAsync(new AuditEntry(AuditEventTypes.ApiTokenRevoked, principal.Username(), principal.Id(), Ip: ClientAddress.Of(context),
            Details: new Dictionary<string, object?> { ["tokenId"] = id }), cancellationToken);
        return TypedResults.NoContent();
    }
}
