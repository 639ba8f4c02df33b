namespace GuruConnect.Server.Observability;

/// <summary>
/// <c>Metrics:Url</c> (e.g. <c>http://127.0.0.1:9464</c>): serve <c>/metrics</c> on its own listener, for a
/// Prometheus that should not reach the API and an API port that should not show metrics (docs/api.md
/// "Health and metrics"). The metrics listener answers nothing else; the main port then
/// answers 404 for <c>/metrics</c>.
/// </summary>
internal static class MetricsPort
{
    public const string UrlKey = "Metrics:Url";

    /// <summary>Adds the metrics listener to the server's URLs; its port, or null when not configured.</summary>
    public static int? AddListener(WebApplicationBuilder builder)
    {
        if (builder.Configuration[UrlKey] is not { Length: > 0 } url)
        {
            return null;
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp || uri.IsDefaultPort || uri.Port == 0)
        {
            throw new InvalidOperationException($"{UrlKey} must be an http URL with its own port, e.g. http://127.0.0.1:9464 (got \"{url}\").");
        }

        if (builder.Configuration[WebHostDefaults.ServerUrlsKey] is not { Length: > 0 } urls)
        {
            throw new InvalidOperationException(
                $"{UrlKey} needs the server's own address set explicitly too (--urls or ASPNETCORE_URLS, e.g. http://0.0.0.0:8080), so that adding the metrics listener does not replace it.");
        }

        builder.WebHost.UseUrls($"{urls};{uri.GetLeftPart(UriPartial.Authority)}");
        return uri.Port;
    }

    /// <summary>On the metrics port only <c>/metrics</c>; elsewhere everything but <c>/metrics</c>.</summary>
    public static IApplicationBuilder UseMetricsPort(this IApplicationBuilder app, int? port)
    {
        if (port is not { } metricsPort)
        {
            return app;
        }

        return app.Use((context, next) =>
        {
            var onMetricsPort = context.Connection.LocalPort == metricsPort;
            var isMetrics = context.Request.Path.StartsWithSegments("/metrics", StringComparison.OrdinalIgnoreCase);
            if (onMetricsPort != isMetrics)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            return next(context);
        });
    }
}
