using GuruConnect.Server.Auth;
using GuruConnect.Server.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GuruConnect.Server.Audit;

internal static class AuditApi
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/events", FindAsync).WithTags("Audit").RequireAuthorization(AuthPolicies.Admin);
        return app;
    }

    internal static async Task<Results<Ok<Page<AuditEventResponse>>, ValidationProblem>> FindAsync(
        AuditQuery query, CancellationToken cancellationToken,
        string? type = null, Guid? machineId = null, Guid? sessionId = null, DateTimeOffset? since = null, DateTimeOffset? until = null,
        int page = 1, int pageSize = 50)
    {
        if (page < 1 || pageSize is < 1 or > 500)
        {
            return ApiProblem.Invalid("page", "page starts at 1; pageSize is 1 to 500.");
        }

        var (items, total) = await query.FindAsync(new AuditFilter(type, machineId, sessionId, since, until), page, pageSize, cancellationToken);
        return TypedResults.Ok(new Page<AuditEventResponse>(items, total, page, pageSize));
    }
}
