using System.Diagnostics;
using System.Text.RegularExpressions;

namespace GuruConnect.Server.Tests.Faults;

/// <summary>
/// Fault run: PostgreSQL (a cluster of the test's own, <see cref="PostgresCluster"/>) is stopped under load —
/// agents connected, an enrollment burst running — and started again. <c>/readyz</c> says 503 for the outage;
/// the server recovers by itself; clients see 503 problems, never a 500; nothing is half-written and no row is
/// duplicated; the log says what happened in a few clear lines, not a stack trace per request.
/// </summary>
[Collection(FaultRuns.Name)]
public sealed partial class PostgresOutageFaultTests(ITestOutputHelper output)
{
    private const int Agents = 150;
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task The_server_rides_out_a_stopped_database_and_recovers_by_itself()
    {
        await using var cluster = await PostgresCluster.CreateAsync();
        var postgres = await cluster.CreateDatabaseAsync("guruconnect");
        var dataDirectory = Path.Combine(Path.GetTempPath(), "gc-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDirectory);
        var port = SwarmRestartFaultTests.FreePort();
        await using var server = new ServerProcess(port, dataDirectory, postgres);
        await server.StartAsync();
        using var http = server.CreateClient();
        Fleet.Site site;
        using (var admin = server.CreateClient())
        {
            admin.DefaultRequestHeaders.Authorization = new("Bearer", await KillDuringEnrollmentFaultTests.LoginAsync(http));
            site = await admin.CreateSiteWithKeyAsync("OUTAGE");
        }

        var uids = Enumerable.Range(0, Agents).Select(i => $"outage-{i:D4}").ToArray();
        await using var swarm = new Swarm(() => new Uri($"ws://127.0.0.1:{port}/ws/agent"), uids,
            (uid, ct) => KillDuringEnrollmentFaultTests.EnrollOnceAsync(http, site, uid, ct), startSpread: TimeSpan.FromSeconds(10));
        swarm.Start(concurrency: Agents);
        await Eventually.TrueAsync(() => swarm.Attached >= Agents / 4, "a quarter of the fleet is connected", TimeSpan.FromSeconds(60));

        var linesBefore = server.Lines.Count;
        var attachedAtStop = swarm.Attached;
        var stopped = Stopwatch.GetTimestamp();
        await cluster.StopAsync();
        var readiness = new List<HttpStatusCode>();
        using var probe = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        while (Stopwatch.GetElapsedTime(stopped) < Outage)
        {
            using var ready = await probe.GetAsync("/readyz");
            readiness.Add(ready.StatusCode);
            await Task.Delay(200);
        }

        var attachedAtEndOfOutage = swarm.Attached;
        await cluster.StartAsync();
        var restarted = Stopwatch.GetTimestamp();
        await Eventually.TrueAsync(async () => (await probe.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK, "ready again by itself", TimeSpan.FromSeconds(30));
        var recovery = Stopwatch.GetElapsedTime(restarted);
        await swarm.AllAttachedAsync(TimeSpan.FromSeconds(120), "every agent enrolled and connected after the outage");
        var back = swarm.BackSince(stopped).Where(t => t != TimeSpan.MaxValue).ToArray();
        var allBack = back.Max() - Stopwatch.GetElapsedTime(stopped, restarted); // from the database being back to the last agent in

        var during = server.Lines.Skip(linesBefore).ToArray();
        var kinds = during.Select(Kind).OfType<string>().GroupBy(k => k).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} ×{g.Count()}").ToArray();
        var withStack = during.Count(l => l.Contains("   at ", StringComparison.Ordinal));
        var rows = await CountAsync(postgres, "SELECT COUNT(*) FROM machines");
        output.WriteLine(FaultReport.Header);
        output.WriteLine(FaultReport.Row("PostgreSQL stopped 5 s", DbKind.Postgres, $"{attachedAtStop} connected at the stop, {attachedAtEndOfOutage} still at its end; {Agents} in all",
            back, $"{rows} after (burst of {Agents})", $"{swarm.FailureCount} failed attempts ({Swarm.Describe(swarm.Failures)})", allBack.TotalSeconds));
        output.WriteLine($"/readyz 200 again {recovery.TotalSeconds:F1} s after the database was back; the last agent in {allBack.TotalSeconds:F1} s after");
        output.WriteLine($"/readyz during the outage: {string.Join(' ', readiness.Select(s => (int)s))}");
        output.WriteLine($"log lines from the stop on: {during.Length}, {withStack} with a stack trace; warnings and errors by kind: {string.Join(", ", kinds)}");

        foreach (var group in during.Where(l => l.Contains("   at ", StringComparison.Ordinal)).GroupBy(l => l[..Math.Min(l.Length, 160)]).Take(5))
        {
            output.WriteLine($"with a stack trace ×{group.Count()}: {group.Key}…");
        }

        readiness.ShouldAllBe(s => s == HttpStatusCode.ServiceUnavailable, "/readyz says 503 for the whole outage");
        swarm.Failures.Keys.ShouldNotContain(k => k.Contains("HTTP 500", StringComparison.Ordinal), "clients see 503 problems, never a 500");
        withStack.ShouldBeLessThanOrEqualTo(5, "a few clear lines, not a stack trace per request");
        attachedAtEndOfOutage.ShouldBe(attachedAtStop, "connected agents are not dropped for a database outage");

        rows.ShouldBe(Agents);
        (await CountAsync(postgres, "SELECT COUNT(DISTINCT machine_uid) FROM machines")).ShouldBe(Agents);
        (await CountAsync(postgres, "SELECT COUNT(*) FROM machine_keys WHERE revoked_at IS NULL")).ShouldBe(Agents);
        (await CountAsync(postgres, "SELECT COUNT(*) FROM machines m WHERE NOT EXISTS (SELECT 1 FROM machine_keys k WHERE k.machine_id = m.id AND k.revoked_at IS NULL)"))
            .ShouldBe(0, "no machine row without its key (nothing half-written)");
        foreach (var (uid, key, _) in swarm.Keys)
        {
            (await CountAsync(postgres,
                "SELECT COUNT(*) FROM machine_keys k JOIN machines m ON m.id = k.machine_id WHERE m.machine_uid = @uid AND k.revoked_at IS NULL AND k.key_hash = @hash",
                new { uid, hash = GuruConnect.Server.Auth.SecretKeys.Sha256Hex(key!) })).ShouldBe(1, uid);
        }
    }

    /// <summary>"warn: Category[1234]" of a warning-or-worse single-line console entry, else null.</summary>
    private static string? Kind(string line) => LogEntry().Match(line) is { Success: true } m ? $"{m.Groups[1].Value} {m.Groups[2].Value}[{m.Groups[3].Value}]" : null;

    [GeneratedRegex(@"^(warn|fail|crit): ([\w.]+)\[(\d+)\]")]
    private static partial Regex LogEntry();

    private static async Task<long> CountAsync(string postgres, string sql, object? parameters = null)
    {
        await using var connection = new Npgsql.NpgsqlConnection(postgres);
        await connection.OpenAsync();
        return await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection, sql, parameters);
    }
}
