using System.Net.WebSockets;
using GuruConnect.Protocol.V1;
using GuruConnect.Server.Tests.SupportCodes;
using Case = GuruConnect.Protocol.V1.Envelope.PayloadOneofCase;

namespace GuruConnect.Server.Tests.Relay;

/// <summary>
/// docs/protocol.md "Agent plane" (a live support code is accepted as an attended session) and "Session lifecycle"
/// (a support session ends when the agent leaves, the code is cancelled, or a technician ends it);
/// docs/security.md "Credentials" (support code: 30 min, single session) and §14 (one lockout for every way of trying codes).
/// </summary>
public sealed class SupportSessionTests
{
    private static async Task<JsonElement> SupportSessionAsync(HttpClient user) =>
        (await user.GetFromJsonAsync<JsonElement[]>("/api/sessions"))!.Single(s => s.GetProperty("kind").GetString() == "support");

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_live_code_opens_one_attended_session_and_is_used_up(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var tech = await server.UserClientAsync("tech1", "technician");
        var code = await tech.CreateCodeAsync();

        await using var agent = await FakeAgent.ConnectSupportAsync(server, code);

        var session = await SupportSessionAsync(tech);
        session.GetProperty("supportCode").GetString().ShouldBe(code);
        session.GetProperty("agentOnline").GetBoolean().ShouldBeTrue();
        session.GetProperty("machineId").GetGuid().ShouldBe(session.GetProperty("id").GetGuid());
        agent.Peer.History.ShouldNotContain(e => e.PayloadCase == Case.AgentKeyProvision);

        // Single session: the code is gone for validation and for a second agent.
        await (await server.Client.ValidateAsync(code)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "CODE_INVALID");
        (await FakeAgent.RefusedAsync(server, null, "supportCode=" + code)).ShouldBe(HttpStatusCode.Unauthorized);
        (await tech.LiveCodesAsync()).ShouldBeEmpty();

        // An attended machine is not part of the fleet.
        using var admin = await server.AdminClientAsync();
        (await admin.GetFromJsonAsync<JsonElement>("/api/machines")).GetProperty("total").GetInt64().ShouldBe(0);
        (await admin.GetFromJsonAsync<JsonElement>("/api/events?type=support_session_started")).GetProperty("total").GetInt64().ShouldBe(1);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Only_the_technician_whose_code_it_is_and_admins_may_watch_a_support_session(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        using var owner = await server.UserClientAsync("tech1", "technician");
        using var other = await server.UserClientAsync("tech2", "technician");
        var code = await owner.CreateCodeAsync();
        await using var agent = await FakeAgent.ConnectSupportAsync(server, code);
        var sessionId = (await SupportSessionAsync(owner)).GetProperty("id").GetGuid();

        using (var refused = await other.PostAsync($"/api/sessions/{sessionId}/viewer-token", null))
        {
            await refused.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
        }

        (await FakeViewer.TokenAsync(owner, sessionId)).ShouldNotBeNullOrEmpty();
        (await FakeViewer.TokenAsync(admin, sessionId)).ShouldNotBeNullOrEmpty();
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_code_used_by_an_agent_that_never_says_hello_is_recorded_as_over(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var tech = await server.UserClientAsync("tech1", "technician");
        var code = await tech.CreateCodeAsync();

        await using (var silent = await ProtocolPeer.ConnectAsync(FakeAgent.Endpoint(server, "supportCode=" + code)))
        {
            await silent.CloseAsync();
        }

        await Eventually.TrueAsync(
            async () => await server.CountRowsAsync("SELECT COUNT(*) FROM support_codes WHERE state = 'used' AND ended_at IS NOT NULL") == 1,
            "the used code is marked over");
        await (await tech.PostAsync($"/api/codes/{code}/cancel", null)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "CODE_INVALID");
        server.Sessions().Count.ShouldBe(0);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task An_expired_or_cancelled_code_is_refused_with_401(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var tech = await server.UserClientAsync("tech1", "technician");
        var cancelled = await tech.CreateCodeAsync();
        (await tech.PostAsync($"/api/codes/{cancelled}/cancel", null)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var expired = await tech.CreateCodeAsync();
        server.Clock.Advance(TimeSpan.FromMinutes(31));

        (await FakeAgent.RefusedAsync(server, null, "supportCode=" + cancelled)).ShouldBe(HttpStatusCode.Unauthorized);
        (await FakeAgent.RefusedAsync(server, null, "supportCode=" + expired)).ShouldBe(HttpStatusCode.Unauthorized);
        server.Sessions().Count.ShouldBe(0);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_code_with_a_bearer_credential_or_a_plain_request_does_not_use_the_code(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var tech = await server.UserClientAsync("tech1", "technician");
        var code = await tech.CreateCodeAsync();

        (await FakeAgent.RefusedAsync(server, "cak_" + new string('0', 64), "supportCode=" + code)).ShouldBe(HttpStatusCode.Unauthorized);
        using (var plain = await server.Client.GetAsync("/ws/agent?supportCode=" + code))
        {
            await plain.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_REQUEST");
        }

        (await server.Client.ValidateAsync(code)).StatusCode.ShouldBe(HttpStatusCode.OK);
        await using var agent = await FakeAgent.ConnectSupportAsync(server, code);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_technician_watches_and_the_session_ends_when_the_agent_leaves(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var tech = await server.UserClientAsync("tech1", "technician");
        var code = await tech.CreateCodeAsync();
        var agent = await FakeAgent.ConnectSupportAsync(server, code);
        var sessionId = (await SupportSessionAsync(tech)).GetProperty("id").GetGuid();
        await using var viewer = await FakeViewer.ConnectAsync(server, tech, sessionId, agent);

        await agent.SendFrameAsync(1, 1000);
        (await viewer.ReceiveAsync(Case.VideoFrame)).VideoFrame.Seq.ShouldBe(1UL);

        await agent.Peer.CloseAsync();
        await agent.DisposeAsync();

        (await viewer.Peer.ShouldCloseWithinAsync(TimeSpan.FromSeconds(5))).ShouldBe(WebSocketCloseStatus.NormalClosure);
        viewer.Peer.History.ShouldContain(e => e.PayloadCase == Case.Disconnect && e.Disconnect.Reason == "session-ended");
        await Eventually.TrueAsync(() => server.Sessions().Find(sessionId) is null, "the support session is gone");
        using var admin = await server.AdminClientAsync();
        await Eventually.TrueAsync(
            async () => (await admin.GetFromJsonAsync<JsonElement>("/api/events?type=support_session_ended")).GetProperty("total").GetInt64() == 1,
            "support_session_ended is audited");
        await (await tech.PostAsync($"/api/codes/{code}/cancel", null)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "CODE_INVALID");
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Cancelling_a_used_code_ends_its_session_and_tells_the_agent(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var tech = await server.UserClientAsync("tech1", "technician");
        var code = await tech.CreateCodeAsync();
        await using var agent = await FakeAgent.ConnectSupportAsync(server, code);
        var sessionId = (await SupportSessionAsync(tech)).GetProperty("id").GetGuid();

        (await tech.PostAsync($"/api/codes/{code}/cancel", null)).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        (await agent.Peer.ShouldCloseWithinAsync(TimeSpan.FromSeconds(1))).ShouldBe(WebSocketCloseStatus.NormalClosure);
        agent.Peer.CloseDescription.ShouldBe("session-ended");
        agent.Peer.History.ShouldContain(e => e.PayloadCase == Case.SessionNotice && e.SessionNotice.Kind == SessionNoticeKind.SessionEnding);
        agent.Peer.History.ShouldContain(e => e.PayloadCase == Case.Disconnect && e.Disconnect.Reason == "session-ended");
        server.Sessions().Find(sessionId).ShouldBeNull();
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task An_admin_ends_a_support_session_with_DELETE(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        var code = await admin.CreateCodeAsync();
        await using var agent = await FakeAgent.ConnectSupportAsync(server, code);
        var sessionId = (await SupportSessionAsync(admin)).GetProperty("id").GetGuid();

        (await admin.DeleteAsync($"/api/sessions/{sessionId}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        (await agent.Peer.ShouldCloseWithinAsync(TimeSpan.FromSeconds(1))).ShouldBe(WebSocketCloseStatus.NormalClosure);
        agent.Peer.History.ShouldContain(e => e.PayloadCase == Case.Disconnect && e.Disconnect.Reason == "session-ended");
        (await admin.GetFromJsonAsync<JsonElement[]>("/api/sessions"))!.ShouldBeEmpty();
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Wrong_codes_on_the_agent_plane_share_the_validate_lockout(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var tech = await server.UserClientAsync("tech1", "technician");
        var code = await tech.CreateCodeAsync();
        for (var i = 0; i < 10; i++)
        {
            (await FakeAgent.RefusedAsync(server, null, "supportCode=" + SupportCodeClient.WrongCode(code))).ShouldBe(HttpStatusCode.Unauthorized);
        }

        // Locked: the live code is refused on both routes, and is not used up by the refusal.
        (await FakeAgent.RefusedAsync(server, null, "supportCode=" + code)).ShouldBe(HttpStatusCode.TooManyRequests);
        (await server.Client.ValidateAsync(code)).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);

        server.Clock.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1));
        await using var agent = await FakeAgent.ConnectSupportAsync(server, code);
        server.Sessions().Count.ShouldBe(1);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_support_session_does_not_come_back_after_a_restart(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var tech = await server.UserClientAsync("tech1", "technician");
        var code = await tech.CreateCodeAsync();
        await using var agent = await FakeAgent.ConnectSupportAsync(server, code);

        await server.StopAsync();
        (await agent.Peer.ShouldCloseWithinAsync(TimeSpan.FromSeconds(5))).ShouldBe(WebSocketCloseStatus.EndpointUnavailable);
        // As after a crash, where the session's end was never recorded.
        await server.CountRowsAsync("UPDATE support_codes SET ended_at = NULL");
        await server.RestartAsync();

        using var again = await server.AdminClientAsync();
        (await again.GetFromJsonAsync<JsonElement[]>("/api/sessions"))!.ShouldBeEmpty();
        await (await again.PostAsync($"/api/codes/{code}/cancel", null)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "CODE_INVALID");
        (await FakeAgent.RefusedAsync(server, null, "supportCode=" + code)).ShouldBe(HttpStatusCode.Unauthorized);
    }
}
