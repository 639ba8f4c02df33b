using System.Diagnostics;
using OpenTelemetry.Metrics;

namespace GuruConnect.Server.Observability;

internal static class ObservabilityExtensions
{
    public static IServiceCollection AddObservability(this IServiceCollection services)
    {
        services.AddMetrics();
        services.AddSingleton<ServerMetrics>();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(ServerMetrics.MeterName)
            .AddView(ServerMetrics.HttpDurationName, new ExplicitBucketHistogramConfiguration { Boundaries = ServerMetrics.DurationBuckets })
            .AddPrometheusExporter(options =>
            {
                // Every scrape sees the current values (the exporter caches a scrape for 300 ms by default).
                options.ScrapeResponseCacheDurationMilliseconds = 0;
                // The exposition stays what it was before the exporter: no otel_scope_name label, no target_info.
                options.ScopeInfoEnabled = false;
                options.TargetInfoEnabled = false;
            }));
        return services;
    }

    /// <summary>Counts and times every request by route template (never by raw path: unbounded label values).</summary>
    public static IApplicationBuilder UseRequestMetrics(this IApplicationBuilder app)
    {
        var metrics = app.ApplicationServices.GetRequiredService<ServerMetrics>();
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
        app.MapPrometheusScrapingEndpoint("/metrics")
            .ExcludeFromDescription()
            .AllowAnonymous();
        return app;
    }
}
