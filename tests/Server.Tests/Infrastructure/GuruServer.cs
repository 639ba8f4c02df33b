using System.Net.Http.Headers;
using GuruConnect.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace GuruConnect.Server.Tests.Infrastructure;

/// <summary>
/// The real server (the production pipeline from <see cref="ServerApp"/>) on real Kestrel bound
/// to 127.0.0.1 on a free port, over a real database, with a clock the test controls.
/// </summary>
public sealed class GuruServer : IAsyncDisposable
{
    public const string AdminPassword = "admin-password-for-tests";

    private readonly string[] extraArguments;
    private readonly bool ownsDatabase;
    private Action<WebApplication>? mapExtra;
    private WebApplication? app;

    private GuruServer(TestDatabase database, ManualClock clock, string[] extraArguments, bool ownsDatabase)
    {
        Database = database;
        Clock = clock;
        this.extraArguments = extraArguments;
        this.ownsDatabase = ownsDatabase;
    }

    public TestDatabase Database { get; }

    public ManualClock Clock { get; }

    public Uri BaseAddress { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public IServiceProvider Services => app!.Services;

    public StringWriter Console { get; } = new();

    /// <summary>What the server logged, at the levels its configuration lets through.</summary>
    public CapturedLogs Logs { get; } = new();

    /// <summary>Starts a server on a fresh database of <paramref name="kind"/>. Extra settings are <c>--Key=Value</c>.</summary>
    public static async Task<GuruServer> StartAsync(DbKind kind, params string[] settings)
    {
        var database = await TestDatabase.CreateAsync(kind);
        var server = new GuruServer(database, new ManualClock(), settings, ownsDatabase: true);
        await server.StartCoreAsync();
        return server;
    }

    /// <summary>
    /// Starts a server with test-only endpoints mapped beside the real ones (e.g. one that throws),
    /// so behaviour no production route can trigger on demand still runs through the real pipeline.
    /// </summary>
    public static async Task<GuruServer> StartWithAsync(DbKind kind, Action<WebApplication> mapExtra, params string[] settings)
    {
        var database = await TestDatabase.CreateAsync(kind);
        var server = new GuruServer(database, new ManualClock(), settings, ownsDatabase: true) { mapExtra = mapExtra };
        await server.StartCoreAsync();
        return server;
    }

    /// <summary>Starts another server over an existing database (restart, or several nodes).</summary>
    public static async Task<GuruServer> StartOnAsync(TestDatabase database, ManualClock clock, params string[] settings)
    {
        var server = new GuruServer(database, clock, settings, ownsDatabase: false);
        await server.StartCoreAsync();
        return server;
    }

    /// <summary>Stops the process-equivalent and starts it again on the same database and data folder.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartCoreAsync();
    }

    /// <summary>Starts the server again after <see cref="StopAsync"/> (a restart with downtime in between).</summary>
    public Task StartAgainAsync() => StartCoreAsync();

    public async Task StopAsync()
    {
        Client?.Dispose();
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
            app = null;
        }
    }

    public HttpClient CreateClient(string? bearer = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return client;
    }

    public async Task<string> LoginAsync(string username = "admin", string password = AdminPassword)
    {
        using var response = await Client.PostAsJsonAsync("/api/auth/login", new { username, password });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        return body.GetProperty("token").GetString()!;
    }

    public async Task<HttpClient> AdminClientAsync() => CreateClient(await LoginAsync());

    /// <summary>Creates a user through the API as admin and returns a client logged in as them.</summary>
    public async Task<HttpClient> UserClientAsync(string username, string role)
    {
        using var admin = await AdminClientAsync();
        const string password = "user-password-for-tests";
        using var created = await admin.PostAsJsonAsync("/api/users", new { username, password, role });
        created.EnsureSuccessStatusCode();
        return CreateClient(await LoginAsync(username, password));
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (ownsDatabase)
        {
            await Database.DisposeAsync();
        }
    }

    private async Task StartCoreAsync()
    {
        string[] args =
        [
            "--urls=http://127.0.0.1:0",
            $"--GURUCONNECT_ADMIN_PASSWORD={AdminPassword}",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Microsoft.AspNetCore=Error",
            // Generous limits by default; the rate-limit tests set their own.
            "--Auth:LoginAttemptsPerMinute=10000",
            "--Auth:LoginFailuresBeforeLockout=10000",
            "--Auth:AccountFailureBurst=100000",
            .. Database.ServerArguments(),
            .. extraArguments,
        ];
        app = ServerApp.Build(args, builder =>
        {
            builder.Services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Clock));
            builder.Logging.AddProvider(Logs);
        });
        mapExtra?.Invoke(app);
        await app.PrepareAsync(Console, CancellationToken.None);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address);
        Client = CreateClient();
    }
}
