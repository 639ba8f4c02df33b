using System.Diagnostics;

namespace GuruConnect.Server.Observability;

internal static class ObservabilityExtensions
{
    public static IServiceCollection AddObservability(this IServiceCollection services)
    {
        services.AddMetrics();
        services.AddSingleton<ServerMetrics>();
        services.AddSingleton<PrometheusExporter>();
        return services;
    }

    /// <summary>Counts and times every request by route template (never by raw path: unbounded label values).</summary>
    public static IApplicationBuilder UseRequestMetrics(this IApplicationBuilder app)
    {
        var metrics = app.ApplicationServices.GetRequiredService<ServerMetrics>();
        _ = app.ApplicationServices.GetRequiredService<PrometheusExporter>();
        return app.Use(async (context, next) =>
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await next(context);
            }
            finally
            {
                var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
                var tags = new TagList
                {
                    { "method", context.Request.Method },
                    { "route", route },
                    { "status", context.Response.StatusCode },
                };
                metrics.HttpRequests.Add(1, tags);
                metrics.HttpDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
            }
        });
    }

    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder app)
    {
        app.MapGet("/metrics", (PrometheusExporter exporter) => TypedResults.Text(exporter.Render(), "text/plain; version=0.0.4; charset=utf-8"))
            .ExcludeFromDescription()
            .AllowAnonymous();
        return app;
    }
}
