using GuruConnect.Server.Auth;
using GuruConnect.Server.Data;
using GuruConnect.Server.Errors;
using GuruConnect.Server.Observability;
using GuruConnect.Server.Users;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.Json;

namespace GuruConnect.Server.Hosting;

/// <summary>
/// The composition root: host settings and the middleware pipeline around the features that
/// Program.cs lists. Program.cs and the integration tests both come through here, so the tests
/// run exactly the production pipeline on real Kestrel.
/// </summary>
public static class ServerApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        // Request lines and ASP.NET's debug logs carry query strings and paths with secrets in them (?token=
        // viewer tokens, ?supportCode=, /api/codes/{code}); docs/security.md: never in a log. These rules come after
        // the configuration's, so "Microsoft.AspNetCore": "Debug" in appsettings does not bring them back.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Information);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        // JwtBearer logs every bearer that is not a login JWT (each agent's cak_ on /ws/agent) at Information with a stack trace.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Authentication", LogLevel.Warning);
        var metricsPort = MetricsPort.AddListener(builder);                   // Observability/: optional separate /metrics listener
        builder.Services.AddSingleton(TimeProvider.System);                    // tests replace the clock here
        builder.Services.AddSecurityHeaders();                                 // Hosting/: nosniff, no framing, CSP, no-store on /api, no Server header
        builder.Services.Configure<JsonOptions>(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        builder.Services.AddOpenApi(o =>                                       // /openapi/v1.json from the endpoints
        {
            o.AddSchemaTransformer(TextInputJson.DescribeStringsAsync);       // strings keep their type under the text-input converter
            o.AddDocumentTransformer<BearerSecurityScheme>();                 // the Bearer scheme, so the API docs page can send a token
        });
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 1024 * 1024); // docs/security.md §18: bodies are bounded
        builder.Services.AddDataProtection().PersistKeysToFileSystem(          // keys beside the data, not in the user profile
            new DirectoryInfo(Path.Combine(ServerPaths.FromConfiguration(builder.Configuration).DataDirectory, "keys")));
        Program.AddFeatures(builder);                                          // Program.cs: the table of contents
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
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero }); // Relay/: protobuf Ping/Pong is the heartbeat (docs/protocol.md)
        app.UseAuthentication();
        app.UseAuthorization();

        Program.MapFeatures(app);                                              // Program.cs: every feature's endpoints
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
        try
        {
            await services.MigrateDatabaseAsync(cancellationToken);
            await services.GetRequiredService<RevokedTokens>().LoadAsync(cancellationToken);
            await services.GetRequiredService<AdminBootstrap>().EnsureAdminAsync(console, cancellationToken);
        }
        catch (System.Data.Common.DbException ex) when (DatabaseFaults.IsUnavailable(ex, out var kind))
        {
            // A full or read-only data folder, or PostgreSQL down: Program.cs prints this one line, not a crash (docs/security.md).
            throw new InvalidOperationException(DatabaseFaults.StartupMessage(services.GetRequiredService<Database>(), services.GetRequiredService<ServerPaths>(), kind), ex);
        }
    }
}
