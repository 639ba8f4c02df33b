using GuruConnect.Server.Audit;
using GuruConnect.Server.Auth;
using GuruConnect.Server.Data;
using GuruConnect.Server.Enrollment;
using GuruConnect.Server.Errors;
using GuruConnect.Server.Health;
using GuruConnect.Server.Machines;
using GuruConnect.Server.Network;
using GuruConnect.Server.Observability;
using GuruConnect.Server.Relay;
using GuruConnect.Server.Releases;
using GuruConnect.Server.Sessions;
using GuruConnect.Server.Sites;
using GuruConnect.Server.SupportCodes;
using GuruConnect.Server.Users;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.Json;

namespace GuruConnect.Server.Hosting;

/// <summary>
/// Builds the whole server. Program.cs and the integration tests both come through here, so the
/// tests run exactly the production pipeline on real Kestrel.
/// </summary>
public static class ServerApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        // Request lines and ASP.NET's debug logs carry query strings and paths with secrets in them (?token=
        // viewer tokens, ?supportCode=, /api/codes/{code}); spec 05: never in a log. These rules come after
        // the configuration's, so "Microsoft.AspNetCore": "Debug" in appsettings does not bring them back.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Information);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        var metricsPort = MetricsPort.AddListener(builder);                   // Observability/: optional separate /metrics listener
        builder.Services.AddSingleton(TimeProvider.System);                    // tests replace the clock here
        builder.Services.AddSecurityHeaders();                                 // Hosting/: nosniff, no framing, CSP, no-store on /api, no Server header
        builder.Services.AddApiErrors();                                       // Errors/: problem+json with code and traceId everywhere
        builder.Services.AddTrustedProxies(builder.Configuration);             // Network/: X-Forwarded-For only from configured proxies
        builder.Services.Configure<JsonOptions>(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer<BearerSecurityScheme>()); // /openapi/v1.json from the endpoints, with the Bearer scheme
        builder.Services.AddObservability();                                   // Observability/: /metrics in Prometheus text
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 1024 * 1024); // spec 05 #18: bodies are bounded
        builder.Services.AddDataProtection().PersistKeysToFileSystem(          // keys beside the data, not in the user profile
            new DirectoryInfo(Path.Combine(ServerPaths.FromConfiguration(builder.Configuration).DataDirectory, "keys")));
        builder.AddDatabase();                                                 // Data/: SQLite by default, PostgreSQL when configured
        builder.AddAuth();                                                     // Auth/: JWT + API tokens, Argon2id, rate limits
        builder.Services.AddMachines();                                        // Machines/: stores, search, presence
        builder.Services.AddEnrollment();                                      // Enrollment/ + Sites/: keys, verified-key cache, limits
        builder.Services.AddSupportCodes();                                   // SupportCodes/: 6-digit attended-session codes, per-IP guard
        builder.Services.AddReleases();                                        // Releases/: downloads, versions, changelog, /support, site installers
        builder.Services.AddRelay();                                           // Relay/ + Sessions/: session registry, WebSocket planes, reaper
        builder.Services.AddSingleton<AuditLog>();
        builder.Services.AddSingleton<AuditQuery>();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseForwardedHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseTextInputGuard();                                               // Errors/: no control characters in the path or query
        app.UseMetricsPort(metricsPort);
        app.UseRequestMetrics();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseSwaggerUI(o =>
        {
            o.RoutePrefix = "api/docs";
            o.SwaggerEndpoint("/openapi/v1.json", "GuruConnect API v1");
            o.DocumentTitle = "GuruConnect API";
        });
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero }); // Relay/: protobuf Ping/Pong is the heartbeat (spec 02)
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapOpenApi();
        app.MapHealth();
        app.MapMetrics();
        app.MapAuthApi();
        app.MapApiTokensApi();
        app.MapUsersApi();
        app.MapAuditApi();
        app.MapSitesApi();
        app.MapEnrollmentApi();
        app.MapMachinesApi();
        app.MapSupportCodesApi();                                              // SupportCodes/: create, list, cancel, public validate
        app.MapSessionsApi();                                                  // Sessions/: list, viewer tokens, end, events
        app.MapReleasesApi();                                                  // Releases/: /download/*, /api/version, /api/releases, /api/changelog, /support
        app.MapRelay();                                                        // Relay/: /ws/agent and /ws/viewer
        // The console is a single-page app: unknown non-API GETs get its index.html; /api never does; a path with a file
        // extension ("nonfile") falls through to the static files, so the built console's /assets/*.js are served.
        app.MapFallbackToFile("{*path:nonfile:regex(^(?!(api|ws|openapi|download|metrics|healthz|readyz)(/|$)).*$)}", "index.html");
        return app;
    }

    /// <summary>Everything that must hold before the first request: native deps, secrets, schema, first admin.</summary>
    public static async Task PrepareAsync(this WebApplication app, TextWriter console, CancellationToken cancellationToken)
    {
        var services = app.Services;
        _ = services.GetRequiredService<Argon2id>();          // fails fast when Argon2id cannot run (no native library)
        _ = services.GetRequiredService<JwtSigningKey>();     // fails fast on a short configured secret
        await services.MigrateDatabaseAsync(cancellationToken);
        await services.GetRequiredService<RevokedTokens>().LoadAsync(cancellationToken);
        await services.GetRequiredService<AdminBootstrap>().EnsureAdminAsync(console, cancellationToken);
    }
}
