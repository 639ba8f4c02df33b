using System.Net.WebSockets;
using GuruConnect.Protocol.V1;
using Case = GuruConnect.Protocol.V1.Envelope.PayloadOneofCase;

namespace GuruConnect.Server.Tests.Relay;

/// <summary>docs/protocol.md "Session lifecycle" and "Heartbeat", driven with the test's clock and explicit maintenance passes.</summary>
public sealed class SessionLifecycleTests
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_new_connection_of_the_same_machine_supersedes_the_old_one_and_keeps_the_viewers(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME");
        var (id, key) = await server.EnrollAsync(site, "uid-1");
        await using var old = await FakeAgent.ConnectAsync(server, key);
        await using var viewer = await FakeViewer.ConnectAsync(server, admin, id, old);

        await using var replacement = await FakeAgent.ConnectAsync(server, key);

        (await old.Peer.ShouldCloseWithinAsync(TimeSpan.FromSeconds(2))).ShouldBe(WebSocketCloseStatus.NormalClosure);
        old.Peer.CloseDescription.ShouldBe("superseded");
        old.Peer.History.ShouldContain(e => e.PayloadCase == Case.Disconnect && e.Disconnect.Reason == "superseded");
        (await replacement.ReceiveAsync(Case.ViewerJoined)).ViewerJoined.ViewerId.ShouldBe(viewer.ViewerId);
        await replacement.SendFrameAsync(9, 10);
        (await viewer.ReceiveAsync(Case.VideoFrame)).VideoFrame.Seq.ShouldBe(9UL);
        viewer.Peer.History.ShouldNotContain(e => e.PayloadCase == Case.SessionNotice && e.SessionNotice.Kind == SessionNoticeKind.AgentOffline);
        server.Sessions().Count.ShouldBe(1);
        var machine = await admin.GetFromJsonAsync<JsonElement>($"/api/machines/{id}");
        machine.GetProperty("online").GetBoolean().ShouldBeTrue();
        // The old socket's handler counts itself out once its close handshake ends, after the client saw it.
        await Eventually.TrueAsync(() => server.RelayMetrics().AgentsConnected == 1, "one agent connected");
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_reaper_removes_offline_sessions_without_viewers_only_after_the_ttl(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db, RelayWorld.ManualMaintenance, "--Relay:SessionTtl=2.00:00:00");
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME");
        var (offline, offlineKey) = await server.EnrollAsync(site, "uid-offline");
        var (online, onlineKey) = await server.EnrollAsync(site, "uid-online");
        var (watched, watchedKey) = await server.EnrollAsync(site, "uid-watched");
        await (await FakeAgent.ConnectAsync(server, offlineKey, "uid-offline")).DisposeAsync();
        await (await FakeAgent.ConnectAsync(server, watchedKey, "uid-watched")).DisposeAsync();
        await Eventually.TrueAsync(() => server.Session(offline).Agent is null && server.Session(watched).Agent is null, "both agents are offline");
        await using var viewer = await FakeViewer.ConnectAsync(server, admin, watched);
        await viewer.ReceiveAsync(Case.InputControlState);
        var reaper = server.Services.GetRequiredService<GuruConnect.Server.Sessions.SessionReaper>();

        server.Clock.Advance(TimeSpan.FromDays(2) - TimeSpan.FromMinutes(1));
        await using var agent = await FakeAgent.ConnectAsync(server, onlineKey, "uid-online");
        (await reaper.SweepAsync()).ShouldBeEmpty();

        server.Clock.Advance(TimeSpan.FromMinutes(2));
        (await reaper.SweepAsync()).ShouldBe([offline]);
        server.Sessions().Find(offline).ShouldBeNull();
        server.Session(online).Agent.ShouldNotBeNull();
        server.Session(watched).Viewers.Length.ShouldBe(1);
        using var later = await server.AdminClientAsync(); // two days on, the first login has expired
        (await later.GetFromJsonAsync<JsonElement[]>("/api/sessions"))!.Select(s => s.GetProperty("id").GetGuid()).ShouldBe([online, watched], ignoreOrder: true);

        // Reaping forgets the session, not the machine: its agent brings it back.
        await using var back = await FakeAgent.ConnectAsync(server, offlineKey, "uid-offline");
        server.Session(offline).Agent.ShouldNotBeNull();
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task An_agent_reconnecting_while_the_reaper_removes_its_session_is_never_reaped(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db, RelayWorld.ManualMaintenance);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME");
        var (id, key) = await server.EnrollAsync(site, "uid-1");
        await (await FakeAgent.ConnectAsync(server, key)).DisposeAsync();
        await Eventually.TrueAsync(() => server.Session(id).Agent is null, "the agent is offline");
        server.Clock.Advance(TimeSpan.FromDays(8));
        var reaper = server.Services.GetRequiredService<GuruConnect.Server.Sessions.SessionReaper>();
        FakeAgent? reconnected = null;
        // The agent comes back after the reaper chose the session as expired, before it takes the lock to remove it.
        reaper.BeforeRemove = async _ => reconnected = await FakeAgent.ConnectAsync(server, key);

        var reaped = await reaper.SweepAsync();

        await using var agent = reconnected.ShouldNotBeNull();
        reaped.ShouldBeEmpty();
        server.Session(id).Agent.ShouldNotBeNull();
        using var later = await server.AdminClientAsync(); // eight days on, the first login has expired
        (await later.GetFromJsonAsync<JsonElement[]>("/api/sessions"))!.Single().GetProperty("agentOnline").GetBoolean().ShouldBeTrue();
        await using var viewer = await FakeViewer.ConnectAsync(server, later, id, agent);
        await agent.SendFrameAsync(1, 10);
        (await viewer.ReceiveAsync(Case.VideoFrame)).VideoFrame.Seq.ShouldBe(1UL);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_restart_restores_known_managed_machines_as_offline_sessions(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using (var admin = await server.AdminClientAsync())
        {
            var site = await admin.CreateSiteWithKeyAsync("ACME");
            var (seen, seenKey) = await server.EnrollAsync(site, "uid-seen");
            await server.EnrollAsync(site, "uid-never-connected");
            await using var agent = await FakeAgent.ConnectAsync(server, seenKey, "uid-seen");

            await server.RestartAsync();

            (await agent.Peer.ShouldCloseWithinAsync(TimeSpan.FromSeconds(5))).ShouldBe(WebSocketCloseStatus.EndpointUnavailable);
            agent.Peer.History.ShouldContain(e => e.PayloadCase == Case.Disconnect && e.Disconnect.Reason == "shutdown");
            using var again = await server.AdminClientAsync();
            var session = (await again.GetFromJsonAsync<JsonElement[]>("/api/sessions"))!.Single();
            session.GetProperty("id").GetGuid().ShouldBe(seen);
            session.GetProperty("agentOnline").GetBoolean().ShouldBeFalse();
            session.GetProperty("viewers").GetArrayLength().ShouldBe(0);

            await using var back = await FakeAgent.ConnectAsync(server, seenKey, "uid-seen");
            (await again.GetFromJsonAsync<JsonElement[]>("/api/sessions"))!.Single().GetProperty("agentOnline").GetBoolean().ShouldBeTrue();
        }
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task An_agent_without_hello_within_10_s_is_closed(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db, RelayWorld.ManualMaintenance);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME");
        var (id, key) = await server.EnrollAsync(site, "uid-1");
        await using var agent = await FakeAgent.ConnectAsync(server, key, hello: false);
        var tracker = server.Services.GetRequiredService<GuruConnect.Server.Relay.ConnectionTracker>();
        await Eventually.TrueAsync(() => tracker.Count == 1, "the server holds the socket");

        server.Clock.Advance(TimeSpan.FromSeconds(9));
        await server.Maintenance().RunOnceAsync(CancellationToken.None);
        agent.Peer.Closed.IsCompleted.ShouldBeFalse();
        server.Clock.Advance(TimeSpan.FromSeconds(2));
        await server.Maintenance().RunOnceAsync(CancellationToken.None);

        (await agent.Peer.ShouldCloseWithinAsync(TimeSpan.FromSeconds(2))).ShouldBe(WebSocketCloseStatus.PolicyViolation);
        agent.Peer.CloseDescription.ShouldBe("hello-timeout");
        server.Sessions().Find(id).ShouldBeNull();
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_server_pings_every_20_s_and_closes_after_60_s_of_silence(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db, RelayWorld.ManualMaintenance);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME");
        var (id, key) = await server.EnrollAsync(site, "uid-1");
        await using var agent = await FakeAgent.ConnectAsync(server, key);
        agent.Peer.AnswerPings = false;
        await using var viewer = await FakeViewer.ConnectAsync(server, admin, id, agent);
        var maintenance = server.Maintenance();

        server.Clock.Advance(TimeSpan.FromSeconds(19));
        await maintenance.RunOnceAsync(CancellationToken.None);
        server.Clock.Advance(TimeSpan.FromSeconds(2));
        await maintenance.RunOnceAsync(CancellationToken.None);
        (await agent.ReceiveAsync(Case.Ping)).Ping.Nonce.ShouldBeGreaterThan(0UL);
        await viewer.ReceiveAsync(Case.Ping);
        agent.Peer.Count(Case.Ping).ShouldBe(1);

        // The viewer answers its pings; the agent stays silent.
        server.Clock.Advance(TimeSpan.FromSeconds(20));
        await maintenance.RunOnceAsync(CancellationToken.None);
        await viewer.ReceiveAsync(Case.Ping);
        await Task.Delay(200);
        server.Clock.Advance(TimeSpan.FromSeconds(18));
        await maintenance.RunOnceAsync(CancellationToken.None);
        await Task.Delay(100);
        agent.Peer.Closed.IsCompleted.ShouldBeFalse("59 s of silence is not yet 60");
        server.Clock.Advance(TimeSpan.FromSeconds(2));
        await maintenance.RunOnceAsync(CancellationToken.None);

        (await agent.Peer.ShouldCloseWithinAsync(TimeSpan.FromSeconds(2))).ShouldBe(WebSocketCloseStatus.EndpointUnavailable);
        agent.Peer.CloseDescription.ShouldBe("silence");
        viewer.Peer.Closed.IsCompleted.ShouldBeFalse();
        (await viewer.ReceiveAsync(Case.SessionNotice)).SessionNotice.Kind.ShouldBe(SessionNoticeKind.AgentOffline);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Last_seen_is_written_at_most_once_per_30_s_per_machine(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db, RelayWorld.ManualMaintenance);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME");
        var (id, key) = await server.EnrollAsync(site, "uid-1");
        var connectedAt = server.Clock.GetUtcNow();
        await using var agent = await FakeAgent.ConnectAsync(server, key);
        var writer = server.Services.GetRequiredService<GuruConnect.Server.Relay.LastSeenWriter>();

        for (var i = 0; i < 5; i++)
        {
            server.Clock.Advance(TimeSpan.FromSeconds(5));
            await agent.PingAsync();
            (await writer.FlushAsync(CancellationToken.None)).ShouldBeEmpty();
        }

        (await LastSeenAsync(admin, id)).ShouldBe(connectedAt);
        server.Clock.Advance(TimeSpan.FromSeconds(6));
        await agent.PingAsync();
        (await writer.FlushAsync(CancellationToken.None)).ShouldBe([id]);
        (await writer.FlushAsync(CancellationToken.None)).ShouldBeEmpty();
        (await LastSeenAsync(admin, id)).ShouldBe(connectedAt + TimeSpan.FromSeconds(31));

        // Nothing heard since the last write: nothing written, however long it has been.
        server.Clock.Advance(TimeSpan.FromSeconds(40));
        (await writer.FlushAsync(CancellationToken.None)).ShouldBeEmpty();
    }

    private static async Task<DateTimeOffset> LastSeenAsync(HttpClient admin, Guid id) =>
        (await admin.GetFromJsonAsync<JsonElement>($"/api/machines/{id}")).GetProperty("lastSeen").GetDateTimeOffset();
}
