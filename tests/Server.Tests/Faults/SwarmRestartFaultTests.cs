using System.Diagnostics;
using System.Net.Sockets;

namespace GuruConnect.Server.Tests.Faults;

/// <summary>
/// Fault run: the server restarts (stopped, down for a moment, started again on the same port and data) under
/// a fleet of thousands of agents over several loopback addresses, each on a real WebSocket with its own
/// <c>cak_</c> and the agent's jittered backoff. Every agent is back within a bound, no machine row or key is
/// duplicated, every session is restored under its id, and no viewer token outlives its rules: a used one
/// stays used, a logged-out one stays revoked, an unused one is still single-use and still expires.
/// </summary>
[Collection(FaultRuns.Name)]
public sealed class SwarmRestartFaultTests(ITestOutputHelper output)
{
    // 2 000 agents: both databases' runs together fit in well under a minute on 2 cores, and the
    // reconnect storm (all of them within the first backoff step) is what a larger fleet does per core.
    // GURUCONNECT_FAULT_AGENTS runs a bigger (or smaller) swarm locally.
    private static readonly int Agents = int.TryParse(Environment.GetEnvironmentVariable("GURUCONNECT_FAULT_AGENTS"), out var n) ? n : 2000;
    private static readonly TimeSpan Downtime = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan BackWithin = TimeSpan.FromSeconds(90);

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Thousands_of_agents_come_back_after_a_restart_with_nothing_duplicated(DbKind kind)
    {
        if (SeededFleet.OpenFileLimit() is { } limit && limit < (2 * Agents) + 2000)
        {
            Assert.Skip($"the open-file limit is {limit}; {Agents} agents and the server's side of them need {(2 * Agents) + 2000} (raise ulimit -n).");
        }

        var port = FreePort();
        await using var server = await GuruServer.StartAsync(kind, $"--urls=http://127.0.0.1:{port}");
        using var admin = await server.AdminClientAsync();
        var fleet = await SeededFleet.SeedAsync(server, Agents);
        var endpoint = new Uri($"ws://127.0.0.1:{port}/ws/agent");
        await using var swarm = new Swarm(() => endpoint, fleet);
        var phase = Stopwatch.StartNew();
        swarm.Start();
        await swarm.AllAttachedAsync(TimeSpan.FromSeconds(120), "the swarm connects");
        output.WriteLine($"{Agents} agents attached in {phase.Elapsed.TotalSeconds:F1} s ({swarm.FailureCount} failed dials)");
        server.RelayMetrics().AgentsConnected.ShouldBe(Agents);
        var initialFailures = swarm.FailureCount;
        // The maintenance pass writes lastSeen; a restart restores the sessions of machines seen recently.
        await Eventually.TrueAsync(async () => await server.CountRowsAsync("SELECT COUNT(*) FROM machines WHERE last_seen IS NOT NULL") == Agents,
            "every machine's lastSeen is written", TimeSpan.FromSeconds(30));
        var sessionIds = server.Sessions().All.Select(s => s.Id).Order().ToArray();
        sessionIds.Length.ShouldBe(Agents);

        // Viewer tokens minted before the restart, one for each rule that must survive it.
        var watched = sessionIds[0];
        var used = await FakeViewer.TokenAsync(admin, watched);
        var viewer = await ProtocolPeer.ConnectAsync(FakeViewer.Endpoint(server, watched.ToString(), used));
        var unused = await FakeViewer.TokenAsync(admin, sessionIds[1]);
        var expiring = await FakeViewer.TokenAsync(admin, sessionIds[2]);
        using var leaving = server.CreateClient(await server.LoginAsync());
        var loggedOut = await FakeViewer.TokenAsync(leaving, sessionIds[3]);
        (await leaving.PostAsync("/api/auth/logout", null)).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        var rowsBefore = await server.CountRowsAsync("SELECT COUNT(*) FROM machines");
        var keysBefore = await server.CountRowsAsync("SELECT COUNT(*) FROM machine_keys WHERE revoked_at IS NULL");

        var began = Stopwatch.GetTimestamp();
        await server.StopAsync();
        await swarm.AllDroppedAsync(TimeSpan.FromSeconds(15));
        (await viewer.Closed.WaitAsync(TimeSpan.FromSeconds(10))).ShouldNotBeNull("the viewer is told the server is going away");
        await viewer.DisposeAsync();
        await Task.Delay(Downtime);
        await server.StartAgainAsync();
        var up = Stopwatch.GetElapsedTime(began);

        // Restored as offline sessions at start-up, under the same ids (a session's id is its machine's).
        server.Sessions().All.Select(s => s.Id).Order().ShouldBe(sessionIds);
        await swarm.AllAttachedAsync(BackWithin, "every agent is back");
        var back = swarm.BackSince(began);
        var rowsAfter = await server.CountRowsAsync("SELECT COUNT(*) FROM machines");
        var errors = swarm.FailureCount - initialFailures;

        output.WriteLine(FaultReport.Header);
        output.WriteLine(FaultReport.Row("restart, swarm", kind, $"{Agents}", back, $"{rowsBefore} → {rowsAfter}",
            $"{errors} failed dials ({Swarm.Describe(swarm.Failures)})", back.Max().TotalSeconds - up.TotalSeconds));
        output.WriteLine($"server down {Downtime.TotalSeconds:F0} s, back up {up.TotalSeconds:F1} s after the stop began");
        output.WriteLine(FaultReport.Curve(back));

        back.Max().ShouldBeLessThan(up + BackWithin);
        server.RelayMetrics().AgentsConnected.ShouldBe(Agents);
        server.Sessions().Count.ShouldBe(Agents);
        server.Sessions().All.Count(s => s.Agent is not null).ShouldBe(Agents);
        rowsAfter.ShouldBe(rowsBefore);
        (await server.CountRowsAsync("SELECT COUNT(DISTINCT machine_uid) FROM machines")).ShouldBe(Agents);
        (await server.CountRowsAsync("SELECT COUNT(*) FROM machine_keys WHERE revoked_at IS NULL")).ShouldBe(keysBefore);
        (await server.CountRowsAsync(
            "SELECT COUNT(*) FROM (SELECT machine_id FROM machine_keys WHERE revoked_at IS NULL GROUP BY machine_id HAVING COUNT(*) <> 1) AS k")).ShouldBe(0);

        // No viewer token outlives its rules across the restart.
        (await FakeViewer.RefusedAsync(server, watched.ToString(), used)).ShouldBe(HttpStatusCode.Unauthorized, "a used token stays used");
        (await FakeViewer.RefusedAsync(server, sessionIds[3].ToString(), loggedOut)).ShouldBe(HttpStatusCode.Unauthorized, "a logged-out token stays revoked");
        await using (var late = await ProtocolPeer.ConnectAsync(FakeViewer.Endpoint(server, sessionIds[1].ToString(), unused)))
        {
            // Within its five minutes an unused token still works once, into the restored session…
        }

        (await FakeViewer.RefusedAsync(server, sessionIds[1].ToString(), unused)).ShouldBe(HttpStatusCode.Unauthorized, "…and only once");
        await using (var fresh = await FakeViewer.ConnectAsync(server, admin, watched))
        {
            server.Session(watched).Viewers.Length.ShouldBe(1, "a new token joins the restored session");
        }

        server.Logs.Lines.Count(l => l.Contains("Unhandled exception", StringComparison.Ordinal)).ShouldBe(0);
        await swarm.DisposeAsync();
        server.Clock.Advance(TimeSpan.FromMinutes(6));
        (await FakeViewer.RefusedAsync(server, sessionIds[2].ToString(), expiring)).ShouldBe(HttpStatusCode.Unauthorized, "an unused token still expires");
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
