using System.Diagnostics;

namespace GuruConnect.Server.Tests.Faults;

/// <summary>
/// Fault run: the server restarts under a connected fleet. Every agent comes back by itself with
/// jittered exponential backoff, within a bound; no machine row or key is duplicated, and every
/// session is restored. Prints the reconnect curve (docs/performance.md carries the table).
/// </summary>
public sealed class RestartFaultTests(ITestOutputHelper output)
{
    private const int Agents = 100;

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Every_agent_is_back_after_a_restart_with_no_duplicate_rows(DbKind kind)
    {
        await using var server = await GuruServer.StartAsync(kind, "--Enrollment:RequestsPerWindow=100000");
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("FLEET");
        var fleet = new (string Uid, string Key)[Agents];
        await Parallel.ForEachAsync(Enumerable.Range(0, Agents), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
            fleet[i] = ($"uid-{i}", (await server.EnrollAsync(site, $"uid-{i}", $"PC-{i}")).Key));
        var connected = await Task.WhenAll(fleet.Select(m => FakeAgent.ConnectAsync(server, m.Key, m.Uid, "PC-" + m.Uid[4..])));
        server.Sessions().Count.ShouldBe(Agents);
        var rowsBefore = await server.CountRowsAsync("SELECT COUNT(*) FROM machines");
        var keysBefore = await server.CountRowsAsync("SELECT COUNT(*) FROM machine_keys WHERE revoked_at IS NULL");

        await server.RestartAsync();
        var restarted = Stopwatch.StartNew();
        await Task.WhenAll(connected.Select(a => a.Peer.Closed));
        var failures = 0;
        var times = await Task.WhenAll(fleet.Select(async (m, i) =>
        {
            var delay = TimeSpan.FromMilliseconds(100);
            var random = new Random(i);
            while (true)
            {
                try
                {
                    connected[i] = await FakeAgent.ConnectAsync(server, m.Key, m.Uid, "PC-" + m.Uid[4..]);
                    return restarted.Elapsed;
                }
                catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or TimeoutException or OperationCanceledException)
                {
                    Interlocked.Increment(ref failures);
                    restarted.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(90), "an agent did not get back in time");
                    // Full jitter, as the real agent does (docs/agent.md: reconnect backoff).
                    await Task.Delay(TimeSpan.FromMilliseconds(random.NextDouble() * delay.TotalMilliseconds));
                    delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 2000));
                }
            }
        }));

        Array.Sort(times);
        var p50 = times[Agents / 2];
        var p99 = times[(int)Math.Ceiling(Agents * 0.99) - 1];
        output.WriteLine($"| {kind} | agents {Agents} | reconnect p50 {p50.TotalMilliseconds:F0} ms | p99 {p99.TotalMilliseconds:F0} ms | " +
            $"last {times[^1].TotalMilliseconds:F0} ms | failed attempts {failures} | rows {rowsBefore} → {await server.CountRowsAsync("SELECT COUNT(*) FROM machines")} |");

        await Eventually.TrueAsync(() => server.Sessions().Count == Agents, "every session restored");
        (await server.CountRowsAsync("SELECT COUNT(*) FROM machines")).ShouldBe(rowsBefore);
        (await server.CountRowsAsync("SELECT COUNT(*) FROM machine_keys WHERE revoked_at IS NULL")).ShouldBe(keysBefore);
        (await server.CountRowsAsync("SELECT COUNT(DISTINCT machine_uid) FROM machines")).ShouldBe(Agents);
        foreach (var agent in connected)
        {
            await agent.DisposeAsync();
        }
    }
}
