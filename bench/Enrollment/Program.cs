using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using GuruConnect.Server.Auth;
using GuruConnect.Server.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

// bench/Enrollment: N machines of one site enroll at once through real HTTP against a real server
// (SQLite, or PostgreSQL with --postgres "Host=…"). Each machine comes from its own source address
// (X-Forwarded-For through a trusted proxy), as a mass deployment would. The reference run has the
// verified-key cache off; the table reports both and their ratio.
var machines = IntArg("--machines", 1000);
var concurrency = IntArg("--concurrency", 200);
var postgres = StringArg("--postgres");
var scenarios = new[] { ("no cache (reference)", false), ("verified-key cache", true) };
var results = new List<Result>();
foreach (var (name, cache) in scenarios)
{
    Console.Error.WriteLine($"running: {name}, {machines} machines, {concurrency} at a time…");
    results.Add(await RunAsync(name, cache));
}

Console.WriteLine();
Console.WriteLine($"Enrollment burst: {machines} machines of one site, {concurrency} concurrent, {Environment.ProcessorCount} cores, {(postgres is null ? "SQLite" : "PostgreSQL")}");
Console.WriteLine("| scenario | total s | enroll/s | p50 ms | p99 ms | Argon2id verifies | failures | vs reference |");
Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
foreach (var r in results)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {r.Name} | {r.Total.TotalSeconds:F2} | {machines / r.Total.TotalSeconds:F0} | {r.P50:F1} | {r.P99:F1} | {r.Verifications} | {r.Failures} | {results[0].Total / r.Total:F1}x faster |"));
}

return results.Sum(r => r.Failures) == 0 ? 0 : 1;

async Task<Result> RunAsync(string name, bool cache)
{
    var dataDir = Path.Combine(Path.GetTempPath(), "gc-bench-" + Guid.NewGuid().ToString("N"));
    string[] args =
    [
        "--urls=http://127.0.0.1:0",
        $"--GURUCONNECT_DATA_DIR={dataDir}",
        "--GURUCONNECT_ADMIN_PASSWORD=bench-admin-password",
        "--Logging:LogLevel:Default=Warning",
        "--Network:TrustedProxies:0=127.0.0.1",
        $"--Enrollment:VerifiedKeyCache={cache}",
        .. postgres is null ? Array.Empty<string>() : [$"--ConnectionStrings:Postgres={postgres}"],
    ];
    await using var app = ServerApp.Build(args);
    await app.PrepareAsync(TextWriter.Null, CancellationToken.None);
    await app.StartAsync();
    var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(5) };

    var login = await (await http.PostAsJsonAsync("/api/auth/login", new { username = "admin", password = "bench-admin-password" })).Content.ReadFromJsonAsync<JsonElement>();
    http.DefaultRequestHeaders.Authorization = new("Bearer", login.GetProperty("token").GetString());
    var site = await (await http.PostAsJsonAsync("/api/sites", new { siteCode = "BENCH-" + (postgres is null ? "S" : Guid.NewGuid().ToString("N")[..8]) })).Content.ReadFromJsonAsync<JsonElement>();
    var siteCode = site.GetProperty("siteCode").GetString();
    var rotated = await (await http.PostAsync($"/api/sites/{site.GetProperty("id").GetGuid()}/enrollment-key/rotate", null)).Content.ReadFromJsonAsync<JsonElement>();
    var key = rotated.GetProperty("key").GetString();
    http.DefaultRequestHeaders.Authorization = null;

    var argon2 = app.Services.GetRequiredService<Argon2id>();
    var before = argon2.Verifications;
    var latencies = new double[machines];
    var failures = 0;
    using var gate = new SemaphoreSlim(concurrency);
    var started = Stopwatch.GetTimestamp();
    await Task.WhenAll(Enumerable.Range(0, machines).Select(async i =>
    {
        await gate.WaitAsync();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/enroll")
            {
                Content = JsonContent.Create(new { siteCode, enrollmentKey = key, machineUid = $"bench-{Guid.NewGuid():N}", hostname = $"PC-{i:D5}" }),
            };
            request.Headers.Add("X-Forwarded-For", $"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}");
            var t = Stopwatch.GetTimestamp();
            using var response = await http.SendAsync(request);
            latencies[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            if ((int)response.StatusCode != 201)
            {
                Interlocked.Increment(ref failures);
            }
        }
        finally
        {
            gate.Release();
        }
    }));
    var total = Stopwatch.GetElapsedTime(started);
    var verifies = argon2.Verifications - before;
    await app.StopAsync();
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    Directory.Delete(dataDir, recursive: true);
    Array.Sort(latencies);
    return new Result(name, total, Percentile(latencies, 0.50), Percentile(latencies, 0.99), verifies, failures);
}

static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

int IntArg(string name, int fallback) => StringArg(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

string? StringArg(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}

internal sealed record Result(string Name, TimeSpan Total, double P50, double P99, long Verifications, int Failures);
