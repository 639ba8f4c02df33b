using System.Diagnostics;
using GuruConnect.Server.Auth;

namespace GuruConnect.Server.Tests.Faults;

/// <summary>
/// Fault run: <c>kill -9</c> of the real server process in the middle of an enrollment burst, then a restart on
/// the same data. Every machine ends with exactly one row and exactly one active key, and it is the key its agent
/// holds: an agent that got its key before the kill connects with it; one whose request died with the process
/// retries (the agent's backoff) and succeeds.
/// </summary>
[Collection(FaultRuns.Name)]
public sealed class KillDuringEnrollmentFaultTests(ITestOutputHelper output)
{
    private const int Agents = 300;
    private static readonly TimeSpan BurstSpread = TimeSpan.FromSeconds(4);

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task After_a_kill_mid_burst_every_machine_has_one_row_and_the_key_its_agent_holds(DbKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        var port = SwarmRestartFaultTests.FreePort();
        await using var server = new ServerProcess(port, database.DataDirectory, database.PostgresConnectionString);
        await server.StartAsync();
        using var http = server.CreateClient();
        Fleet.Site site;
        using (var admin = server.CreateClient())
        {
            admin.DefaultRequestHeaders.Authorization = new("Bearer", await LoginAsync(http));
            site = await admin.CreateSiteWithKeyAsync("BURST");
        }

        var uids = Enumerable.Range(0, Agents).Select(i => $"burst-{i:D4}").ToArray();
        await using var swarm = new Swarm(() => new Uri($"ws://127.0.0.1:{port}/ws/agent"), uids, (uid, ct) => EnrollOnceAsync(http, site, uid, ct), BurstSpread);
        swarm.Start(concurrency: Agents);
        await Eventually.TrueAsync(() => swarm.Enrolled >= Agents / 3, "a third of the burst is enrolled", TimeSpan.FromSeconds(60));

        var killed = Stopwatch.GetTimestamp();
        await server.KillAsync();
        var enrolledAtKill = swarm.Keys.Where(k => k.ReceivedAt < killed).ToDictionary(k => k.Uid, k => k.Key!);
        var rowsAtKill = await CountAsync(database, "SELECT COUNT(*) FROM machines");
        await server.StartAsync();
        var up = Stopwatch.GetElapsedTime(killed);
        await swarm.AllAttachedAsync(TimeSpan.FromSeconds(90), "every agent enrolled and connected after the restart");
        var back = swarm.BackSince(killed);
        var rowsAfter = await CountAsync(database, "SELECT COUNT(*) FROM machines");

        output.WriteLine(FaultReport.Header);
        output.WriteLine(FaultReport.Row("kill -9 mid-enrollment", kind, $"{Agents} ({enrolledAtKill.Count} enrolled at the kill)", back,
            $"{rowsAtKill} at the kill → {rowsAfter}", $"{swarm.FailureCount} failed attempts ({Swarm.Describe(swarm.Failures)})", back.Max().TotalSeconds - up.TotalSeconds));
        output.WriteLine($"server killed, ready again {up.TotalSeconds:F1} s later; {server.Lines.Count(l => l.Contains("   at ", StringComparison.Ordinal))} log lines with a stack trace");

        rowsAfter.ShouldBe(Agents);
        (await CountAsync(database, "SELECT COUNT(DISTINCT machine_uid) FROM machines")).ShouldBe(Agents);
        (await CountAsync(database, "SELECT COUNT(*) FROM machine_keys WHERE revoked_at IS NULL")).ShouldBe(Agents);
        foreach (var (uid, key, _) in swarm.Keys)
        {
            // The one active key of the machine is the one its agent holds…
            (await CountAsync(database,
                "SELECT COUNT(*) FROM machine_keys k JOIN machines m ON m.id = k.machine_id WHERE m.machine_uid = @uid AND k.revoked_at IS NULL AND k.key_hash = @hash",
                new { uid, hash = SecretKeys.Sha256Hex(key!) })).ShouldBe(1, uid);
            if (enrolledAtKill.TryGetValue(uid, out var before))
            {
                key.ShouldBe(before, $"{uid} got its key before the kill and kept it");
            }
        }

        // …and no agent was ever told its key was refused.
        swarm.Failures.Keys.ShouldNotContain("HTTP 401");
        server.Lines.Count(l => l.Contains("Unhandled exception", StringComparison.Ordinal)).ShouldBe(0);
        // Every agent presents its cak_ as a bearer; JwtBearer used to log each at Information with a stack trace.
        server.Lines.Count(l => l.Contains("   at ", StringComparison.Ordinal)).ShouldBe(0, "no stack traces in the log");
    }

    internal static async Task<(string? Key, string? Failure)> EnrollOnceAsync(HttpClient http, Fleet.Site site, string uid, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.PostAsJsonAsync("/api/enroll", site.Enrollment(uid, "PC-" + uid), cancellationToken);
            if (response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK)
            {
                return ((await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("key").GetString(), null);
            }

            return (null, $"HTTP {(int)response.StatusCode}");
        }
        catch (HttpRequestException e)
        {
            return (null, e.HttpRequestError.ToString());
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, "timeout");
        }
    }

    internal static async Task<string> LoginAsync(HttpClient http)
    {
        using var response = await http.PostAsJsonAsync("/api/auth/login", new { username = "admin", password = GuruServer.AdminPassword });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    internal static async Task<long> CountAsync(TestDatabase database, string sql, object? parameters = null)
    {
        await using var connection = await database.Open().OpenAsync(CancellationToken.None);
        return await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection, sql, parameters);
    }
}
