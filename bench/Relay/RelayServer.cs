using System.Net.Http.Json;
using System.Text.Json;
using GuruConnect.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace GuruConnect.Bench.Relay;

/// <summary>The real server (production pipeline, SQLite in a temp folder) on loopback, with one site to enroll machines into.</summary>
internal sealed class RelayServer : IAsyncDisposable
{
    private const string Password = "bench-admin-password";
    private readonly WebApplication app;
    private readonly string dataDirectory;
    private readonly string siteCode;
    private readonly string siteKey;
    private int machines;

    private RelayServer(WebApplication app, string dataDirectory, Uri address, HttpClient http, string siteCode, string siteKey)
    {
        this.app = app;
        this.dataDirectory = dataDirectory;
        Address = address;
        Http = http;
        this.siteCode = siteCode;
        this.siteKey = siteKey;
    }

    public Uri Address { get; }

    /// <summary>Logged in as admin.</summary>
    public HttpClient Http { get; }

    public static async Task<RelayServer> StartAsync()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "gc-bench-relay-" + Guid.NewGuid().ToString("N"));
        string[] args =
        [
            "--urls=http://127.0.0.1:0",
            $"--GURUCONNECT_DATA_DIR={dataDirectory}",
            $"--GURUCONNECT_ADMIN_PASSWORD={Password}",
            "--Logging:LogLevel:Default=Warning",
        ];
        var app = ServerApp.Build(args);
        await app.PrepareAsync(TextWriter.Null, CancellationToken.None);
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var http = new HttpClient { BaseAddress = address };
        var login = await (await http.PostAsJsonAsync("/api/auth/login", new { username = "admin", password = Password })).Content.ReadFromJsonAsync<JsonElement>();
        http.DefaultRequestHeaders.Authorization = new("Bearer", login.GetProperty("token").GetString());
        var site = await (await http.PostAsJsonAsync("/api/sites", new { siteCode = "BENCH" })).Content.ReadFromJsonAsync<JsonElement>();
        var rotated = await (await http.PostAsync($"/api/sites/{site.GetProperty("id").GetGuid()}/enrollment-key/rotate", null)).Content.ReadFromJsonAsync<JsonElement>();
        return new RelayServer(app, dataDirectory, address, http, "BENCH", rotated.GetProperty("key").GetString()!);
    }

    /// <summary>Enrolls a new machine; returns its id (= its session id) and machine key.</summary>
    public async Task<(Guid MachineId, string Key)> EnrollAsync()
    {
        var uid = $"bench-{Interlocked.Increment(ref machines)}";
        using var response = await Http.PostAsJsonAsync("/api/enroll", new { siteCode, enrollmentKey = siteKey, machineUid = uid, hostname = uid });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("machineId").GetGuid(), body.GetProperty("key").GetString()!);
    }

    public async Task<string> ViewerTokenAsync(Guid sessionId)
    {
        using var response = await Http.PostAsync($"/api/sessions/{sessionId}/viewer-token", null);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    public Uri WebSocketUri(string path, string? query = null) =>
        new UriBuilder(Address) { Scheme = "ws", Path = path, Query = query ?? string.Empty }.Uri;

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(dataDirectory, recursive: true);
    }
}
