using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace GuruConnect.Server.Hosting;

/// <summary>
/// Response headers every answer carries (docs/security.md): no MIME sniffing, never framed, no
/// referrer, a Content-Security-Policy, no <c>Server: Kestrel</c>, and <c>Cache-Control: no-store</c>
/// on every API answer — login tokens, <c>cek_</c>/<c>cak_</c> keys, API tokens, viewer tokens and
/// support codes all come back from <c>/api</c>, and no API answer is worth caching.
/// </summary>
internal static class SecurityHeaders
{
    /// <summary>
    /// The console: a Vite/React single-page app with a Web Worker, zstd in wasm, images built
    /// from blobs and data URLs, and WebSockets to this origin. Inline styles stay allowed (React
    /// style props); inline scripts and eval do not.
    /// </summary>
    public const string ConsolePolicy =
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; " +
        "img-src 'self' data: blob:; connect-src 'self' ws: wss:; style-src 'self' 'unsafe-inline'; font-src 'self'; " +
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>JSON and problem bodies are never documents: nothing may load or frame them.</summary>
    public const string ApiPolicy = "default-src 'none'; frame-ancestors 'none'";

    public static IServiceCollection AddSecurityHeaders(this IServiceCollection services)
    {
        services.Configure<KestrelServerOptions>(k => k.AddServerHeader = false);
        services.AddTransient<IStartupFilter, Filter>();
        return services;
    }

    /// <summary>First in the pipeline, so error pages, 404s and rate-limit answers carry the headers too.</summary>
    private sealed class Filter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Response.OnStarting(static state => Apply((HttpContext)state), context);
                return nextMiddleware(context);
            });
            next(app);
        };
    }

    private static Task Apply(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        var path = context.Request.Path;
        var isApi = path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
            && !path.StartsWithSegments("/api/docs", StringComparison.OrdinalIgnoreCase);
        headers.ContentSecurityPolicy = isApi || path.StartsWithSegments("/ws", StringComparison.OrdinalIgnoreCase) ? ApiPolicy : ConsolePolicy;
        if (isApi)
        {
            headers.CacheControl = "no-store";
            headers.Pragma = "no-cache";
        }

        return Task.CompletedTask;
    }
}
