using GuruConnect.Server.Audit;
using GuruConnect.Server.Auth;
using GuruConnect.Server.Data;
using GuruConnect.Server.Enrollment;
using GuruConnect.Server.Errors;
using GuruConnect.Server.Health;
using GuruConnect.Server.Hosting;
using GuruConnect.Server.Machines;
using GuruConnect.Server.Network;
using GuruConnect.Server.Observability;
using GuruConnect.Server.Relay;
using GuruConnect.Server.Releases;
using GuruConnect.Server.Sessions;
using GuruConnect.Server.Sites;
using GuruConnect.Server.SupportCodes;
using GuruConnect.Server.Users;

// The CLI (`user add`) or the server; both are built by Hosting/ServerApp.cs from the table below.
using var shutdown = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    shutdown.Cancel();
};

try
{
    var app = ServerApp.Build(UserCli.Handles(args) ? [] : args);
    if (UserCli.Handles(args))
    {
        return await UserCli.RunAsync(args, app.Services, Console.In, Console.Out, Console.Error, shutdown.Token);
    }

    if (PortCheck.BusyPortMessage(app.Configuration) is { } busy)
    {
        await Console.Error.WriteLineAsync(busy);
        return 1;
    }

    await app.PrepareAsync(Console.Out, shutdown.Token);
    await app.RunAsync();
    return 0;
}
catch (InvalidOperationException ex) when (ex is not ObjectDisposedException)
{
    // Start-up refusals (no Argon2id native library, short JWT secret, edited migration) are for a human to act on.
    await Console.Error.WriteLineAsync($"guruconnect-server: cannot start: {ex.Message}");
    return 1;
}

/// <summary>The table of contents: every feature registers itself and maps its own endpoints.</summary>
public partial class Program
{
    internal static void AddFeatures(WebApplicationBuilder builder)
    {
        builder.Services.AddApiErrors();                           // Errors/: problem+json with code and traceId everywhere
        builder.Services.AddTrustedProxies(builder.Configuration); // Network/: X-Forwarded-For only from configured proxies
        builder.Services.AddObservability();                       // Observability/: /metrics in Prometheus text
        builder.AddDatabase();                                     // Data/: SQLite by default, PostgreSQL when configured
        builder.AddAuth();                                         // Auth/: login JWTs + API tokens, Argon2id, rate limits
        builder.Services.AddUsers();                               // Users/: user rows, the first admin
        builder.Services.AddAudit();                               // Audit/: the audit log
        builder.Services.AddSites();                               // Sites/: sites and enrollment keys
        builder.Services.AddEnrollment();                          // Enrollment/: zero-touch enroll, verified-key cache, limits
        builder.Services.AddMachines();                            // Machines/: stores, search, presence
        builder.Services.AddSupportCodes();                        // SupportCodes/: 6-digit codes, per-IP guard, attended sessions
        builder.Services.AddSessions();                            // Sessions/: the registry, ending, reaping, restore
        builder.Services.AddRelay();                               // Relay/: the WebSocket planes, viewer tokens, heartbeats
        builder.Services.AddReleases();                            // Releases/ + Installers/: downloads, versions, changelog, /support, site installers
    }

    internal static void MapFeatures(WebApplication app)
    {
        app.MapOpenApi();                                          // /openapi/v1.json generated from the endpoints
        app.MapHealth();                                           // Health/: /healthz, /readyz
        app.MapMetrics();                                          // Observability/: /metrics
        app.MapAuthApi();                                          // Auth/: login, logout, me, change password
        app.MapApiTokensApi();                                     // Auth/: personal API tokens
        app.MapUsersApi();                                         // Users/: admin CRUD
        app.MapAuditApi();                                         // Audit/: /api/events
        app.MapSitesApi();                                         // Sites/: sites, key rotation
        app.MapEnrollmentApi();                                    // Enrollment/: POST /api/enroll
        app.MapMachinesApi();                                      // Machines/: search, labels, approval, removal, keys
        app.MapSupportCodesApi();                                  // SupportCodes/: create, list, cancel, public validate
        app.MapSessionsApi();                                      // Sessions/: list, viewer tokens, end, events
        app.MapReleasesApi();                                      // Releases/: /download/*, /api/version, /api/releases, /api/changelog, /support
        app.MapRelay();                                            // Relay/: /ws/agent and /ws/viewer
    }
}
