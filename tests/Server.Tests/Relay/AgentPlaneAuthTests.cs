using System.Net.WebSockets;
using GuruConnect.Protocol.V1;

namespace GuruConnect.Server.Tests.Relay;

/// <summary>docs/protocol.md "Agent plane" table and docs/security.md §3, §10, §11: who may open /ws/agent, decided before the upgrade.</summary>
public sealed class AgentPlaneAuthTests
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Any_jwt_or_missing_or_unknown_credential_is_refused_with_401_and_never_upgraded(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        var login = await server.LoginAsync();
        using var admin = server.CreateClient(login);
        var site = await admin.CreateSiteWithKeyAsync("ACME");
        var (machineId, _) = await server.EnrollAsync(site, "uid-1");
        var viewerToken = await FakeViewer.TokenAsync(admin, await OnlineSessionAsync(server, site));

        (await FakeAgent.RefusedAsync(server, login)).ShouldBe(HttpStatusCode.Unauthorized);
        (await FakeAgent.RefusedAsync(server, viewerToken)).ShouldBe(HttpStatusCode.Unauthorized);
        (await FakeAgent.RefusedAsync(server, null)).ShouldBe(HttpStatusCode.Unauthorized);
        (await FakeAgent.RefusedAsync(server, "cak_" + new string('0', 64))).ShouldBe(HttpStatusCode.Unauthorized);
        (await FakeAgent.RefusedAsync(server, site.Key)).ShouldBe(HttpStatusCode.Unauthorized);
        (await FakeAgent.RefusedAsync(server, null, "supportCode=123456")).ShouldBe(HttpStatusCode.Unauthorized);

        // The body is problem+json with a stable code, like every other error.
        using var plain = server.CreateClient(login);
        using var response = await plain.GetAsync("/ws/agent");
        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        server.Sessions().Find(machineId).ShouldBeNull();
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Pending_machine_gets_403_MACHINE_PENDING(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME");
        var (machineId, key) = await server.EnrollAsync(site, "uid-1", "PC-01");
        await using (var online = await FakeAgent.ConnectAsync(server, key, "uid-1", "PC-01"))
        {
            // Online with another hostname: an enrollment collision puts the machine in pending.
            using var collision = await server.Client.EnrollAsync(site.Enrollment("uid-1", "OTHER-PC"));
            collision.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        }

        (await FakeAgent.RefusedAsync(server, key)).ShouldBe(HttpStatusCode.Forbidden);
        using var plain = server.CreateClient(key);
        using var response = await plain.GetAsync("/ws/agent");
        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "MACHINE_PENDING");

        (await admin.PostAsync($"/api/machines/{machineId}/approve", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        await using var approved = await FakeAgent.ConnectAsync(server, key, "uid-1", "PC-01");
        server.Session(machineId).Agent.ShouldNotBeNull();
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Revoked_key_closes_the_live_socket_within_one_second_and_is_refused_after(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME");
        var (machineId, key) = await server.EnrollAsync(site, "uid-1");
        await using var agent = await FakeAgent.ConnectAsync(server, key);
        var keyId = (await admin.GetFromJsonAsync<JsonElement[]>($"/api/machines/{machineId}/keys"))!.Single().GetProperty("keyId").GetGuid();

        (await admin.DeleteAsync($"/api/machines/{machineId}/keys/{keyId}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        var status = await agent.Peer.ShouldCloseWithinAsync(TimeSpan.FromSeconds(1));
        status.ShouldBe(WebSocketCloseStatus.PolicyViolation);
        var told = agent.Peer.History;
        told.ShouldContain(e => e.PayloadCase == Envelope.PayloadOneofCase.SessionNotice && e.SessionNotice.Kind == SessionNoticeKind.KeyRevoked);
        told.ShouldContain(e => e.PayloadCase == Envelope.PayloadOneofCase.Disconnect && e.Disconnect.Reason == "revoked");
        (await FakeAgent.RefusedAsync(server, key)).ShouldBe(HttpStatusCode.Unauthorized);
        await Eventually.TrueAsync(() => server.Session(machineId).Agent is null, "the session shows the agent offline");
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Removing_the_machine_closes_its_socket_drops_the_session_and_refuses_the_key(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME");
        var (machineId, key) = await server.EnrollAsync(site, "uid-1");
        await using var agent = await FakeAgent.ConnectAsync(server, key);

        (await admin.DeleteAsync($"/api/machines/{machineId}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        await agent.Peer.ShouldCloseWithinAsync(TimeSpan.FromSeconds(1));
        agent.Peer.History.ShouldContain(e => e.PayloadCase == Envelope.PayloadOneofCase.Disconnect && e.Disconnect.Reason == "removed");
        server.Sessions().Find(machineId).ShouldBeNull();
        (await FakeAgent.RefusedAsync(server, key)).ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_key_accepted_before_the_upgrade_but_revoked_before_the_hello_is_still_closed(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME");
        var (machineId, key) = await server.EnrollAsync(site, "uid-1");
        var agent = await FakeAgent.ConnectAsync(server, key, hello: false);
        await using var _ = agent;
        var keyId = (await admin.GetFromJsonAsync<JsonElement[]>($"/api/machines/{machineId}/keys"))!.Single().GetProperty("keyId").GetGuid();
        (await admin.DeleteAsync($"/api/machines/{machineId}/keys/{keyId}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        await agent.SendHelloAsync("uid-1", "PC-01");

        await agent.Peer.ShouldCloseWithinAsync(TimeSpan.FromSeconds(2));
        agent.Peer.History.ShouldContain(e => e.PayloadCase == Envelope.PayloadOneofCase.Disconnect && e.Disconnect.Reason == "revoked");
    }

    private static async Task<Guid> OnlineSessionAsync(GuruServer server, Fleet.Site site)
    {
        var (id, key) = await server.EnrollAsync(site, "uid-viewer-token");
        await using var agent = await FakeAgent.ConnectAsync(server, key, "uid-viewer-token");
        return id;
    }
}
