using Dapper;
using GuruConnect.Server.Data;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GuruConnect.Server.Health;

internal static class HealthApi
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Ok(new HealthResponse("ok"))).WithTags("Health").AllowAnonymous();
        app.MapGet("/readyz", ReadyAsync).WithTags("Health").AllowAnonymous();
        return app;
    }

    /// <summary>200 only when the database answers within 2 s, else 503.</summary>
    internal static async Task<Results<Ok<HealthResponse>, JsonHttpResult<HealthResponse>>> ReadyAsync(Database database, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            await using var connection = await database.OpenAsync(timeout.Token);
            await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT 1", cancellationToken: timeout.Token));
            return TypedResults.Ok(new HealthResponse("ok"));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return TypedResults.Json(new HealthResponse("database unavailable"), statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}

public sealed record HealthResponse(string Status);
