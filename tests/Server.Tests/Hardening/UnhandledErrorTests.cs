using Microsoft.AspNetCore.Builder;

namespace GuruConnect.Server.Tests.Hardening;

/// <summary>An unhandled exception is a 500 problem with code and traceId, logged once, on both databases.</summary>
public sealed class UnhandledErrorTests
{
    private static void MapThrowing(WebApplication app)
    {
        app.MapGet("/api/test-only/throw", () => ThrowBoom());
        app.MapGroup("/api/test-only/group").MapGet("/{id:guid}/throw", (Guid id) => ThrowBoom());
        // No endpoint matches here: the exception comes from middleware after routing found nothing.
        app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/api/test-only/middleware", StringComparison.Ordinal))
            {
                ThrowBoom();
            }

            await next(context);
        });
    }

    private static string ThrowBoom() => throw new InvalidOperationException("boom: secret-detail-never-in-a-response");

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Every_500_is_a_problem_with_code_and_trace_id(DbKind kind)
    {
        await using var server = await GuruServer.StartWithAsync(kind, MapThrowing);

        foreach (var path in new[] { "/api/test-only/throw", $"/api/test-only/group/{Guid.NewGuid()}/throw", "/api/test-only/middleware" })
        {
            using var response = await server.Client.GetAsync(path);
            var problem = await response.ShouldBeProblemAsync(HttpStatusCode.InternalServerError, "INTERNAL_ERROR");
            problem.GetRawText().ShouldNotContain("secret-detail", customMessage: path);
            var traceId = problem.GetProperty("traceId").GetString()!;
            // The log line for this request carries the same trace id, so an operator can find it.
            await Eventually.TrueAsync(() => server.Logs.Lines.Any(l => l.Contains("Unhandled exception", StringComparison.Ordinal) && l.Contains(traceId, StringComparison.Ordinal)), path);
        }
    }
}
