using GuruConnect.Server.Auth;

namespace GuruConnect.Server.Tests.Relay;

/// <summary>docs/protocol.md "Viewer plane" (the five ordered checks) and docs/security.md §1, §2, §4, §6: viewer tokens.</summary>
public sealed class ViewerPlaneAuthTests
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Viewer_token_is_201_jwt_for_five_minutes_for_admins_and_technicians(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        using var tech = await server.UserClientAsync("tech1", "technician");
        var site = await admin.CreateSiteWithKeyAsync("ACME");
        var (machineId, key) = await server.EnrollAsync(site, "uid-1");
        await using var agent = await FakeAgent.ConnectAsync(server, key);

        using var issued = await tech.PostAsync($"/api/sessions/{machineId}/viewer-token", null);

        issued.StatusCode.ShouldBe(HttpStatusCode.Created);
        var body = await issued.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("expiresAt").GetDateTimeOffset().ShouldBe(server.Clock.GetUtcNow().AddMinutes(5), TimeSpan.FromSeconds(1));
        var validated = await server.Services.GetRequiredService<TokenService>().ValidateAsync(body.GetProperty("token").GetString()!, TokenPurpose.Viewer);
        validated.ShouldNotBeNull().Claim("sid").ShouldBe(machineId.ToString());
        using var unknown = await admin.PostAsync($"/api/sessions/{Guid.NewGuid()}/viewer-token", null);
        await unknown.ShouldBeProblemAsync(HttpStatusCode.NotFound, "SESSION_NOT_FOUND");
        (await server.Client.PostAsync($"/api/sessions/{machineId}/viewer-token", null)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Login_jwt_wrong_signature_and_expired_tokens_are_401(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        var login = await server.LoginAsync();
        using var admin = server.CreateClient(login);
        var site = await admin.CreateSiteWithKeyAsync("ACME");
        var (machineId, key) = await server.EnrollAsync(site, "uid-1");
        await using var agent = await FakeAgent.ConnectAsync(server, key);
        var session = machineId.ToString();
        var token = await FakeViewer.TokenAsync(admin, machineId);

        (await FakeViewer.RefusedAsync(server, session, login)).ShouldBe(HttpStatusCode.Unauthorized);
        (await FakeViewer.RefusedAsync(server, session, Tamper(token))).ShouldBe(HttpStatusCode.Unauthorized);
        (await FakeViewer.RefusedAsync(server, session, "")).ShouldBe(HttpStatusCode.Unauthorized);
        (await FakeViewer.RefusedAsync(server, session, key)).ShouldBe(HttpStatusCode.Unauthorized);

        // Only purpose "viewer" opens the viewer plane, even with every other claim right.
        var tokens = server.Services.GetRequiredService<TokenService>();
        var adminId = (await admin.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("id").GetGuid();
        foreach (var purpose in new[] { TokenPurpose.Login, "support", "" })
        {
            var forged = tokens.Issue(purpose, TimeSpan.FromMinutes(5), new Dictionary<string, object> { ["sub"] = adminId.ToString(), ["name"] = "admin", ["sid"] = session });
            (await FakeViewer.RefusedAsync(server, session, forged.Token)).ShouldBe(HttpStatusCode.Unauthorized);
        }

        server.Clock.Advance(TimeSpan.FromMinutes(6));
        (await FakeViewer.RefusedAsync(server, session, token)).ShouldBe(HttpStatusCode.Unauthorized);

        using var plain = new HttpClient { BaseAddress = server.BaseAddress };
        using var response = await plain.GetAsync($"/ws/viewer?session={session}&token={login}");
        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Token_for_session_A_on_session_B_is_403_and_unknown_session_404_in_that_order(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME");
        var (a, keyA) = await server.EnrollAsync(site, "uid-a");
        var (b, keyB) = await server.EnrollAsync(site, "uid-b");
        await using var agentA = await FakeAgent.ConnectAsync(server, keyA, "uid-a");
        await using var agentB = await FakeAgent.ConnectAsync(server, keyB, "uid-b");
        var tokenA = await FakeViewer.TokenAsync(admin, a);

        (await FakeViewer.RefusedAsync(server, b.ToString(), tokenA)).ShouldBe(HttpStatusCode.Forbidden);
        (await FakeViewer.RefusedAsync(server, "not-a-session", tokenA)).ShouldBe(HttpStatusCode.Forbidden);
        using var plain = new HttpClient { BaseAddress = server.BaseAddress };
        using var mismatch = await plain.GetAsync($"/ws/viewer?session={b}&token={tokenA}");
        await mismatch.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "SESSION_MISMATCH");

        // A refused attempt does not spend the token; ending the session makes it 404 (check 5 after 4).
        (await admin.DeleteAsync($"/api/sessions/{a}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await FakeViewer.RefusedAsync(server, b.ToString(), tokenA)).ShouldBe(HttpStatusCode.Forbidden);
        using var gone = await plain.GetAsync($"/ws/viewer?session={a}&token={tokenA}");
        await gone.ShouldBeProblemAsync(HttpStatusCode.NotFound, "SESSION_NOT_FOUND");
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Viewer_token_works_once(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME");
        var (machineId, key) = await server.EnrollAsync(site, "uid-1");
        await using var agent = await FakeAgent.ConnectAsync(server, key);
        var token = await FakeViewer.TokenAsync(admin, machineId);

        await using (var first = await ProtocolPeer.ConnectAsync(FakeViewer.Endpoint(server, machineId.ToString(), token)))
        {
            await agent.ReceiveAsync(GuruConnect.Protocol.V1.Envelope.PayloadOneofCase.ViewerJoined);
        }

        (await FakeViewer.RefusedAsync(server, machineId.ToString(), token)).ShouldBe(HttpStatusCode.Unauthorized);
        // Used is check 3, before the session checks: a spent token is 401 for any session, never 403/404.
        (await FakeViewer.RefusedAsync(server, Guid.NewGuid().ToString(), token)).ShouldBe(HttpStatusCode.Unauthorized);
        (await server.CountRowsAsync("SELECT COUNT(*) FROM viewer_token_uses")).ShouldBe(1);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Logging_out_revokes_the_users_outstanding_viewer_tokens(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        using var tech = await server.UserClientAsync("tech1", "technician");
        var site = await admin.CreateSiteWithKeyAsync("ACME");
        var (machineId, key) = await server.EnrollAsync(site, "uid-1");
        await using var agent = await FakeAgent.ConnectAsync(server, key);
        var techToken = await FakeViewer.TokenAsync(tech, machineId);
        var adminToken = await FakeViewer.TokenAsync(admin, machineId);

        (await tech.PostAsync("/api/auth/logout", null)).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        (await FakeViewer.RefusedAsync(server, machineId.ToString(), techToken)).ShouldBe(HttpStatusCode.Unauthorized);
        // Another user's token is untouched.
        await using var viewer = await ProtocolPeer.ConnectAsync(FakeViewer.Endpoint(server, machineId.ToString(), adminToken));
        await agent.ReceiveAsync(GuruConnect.Protocol.V1.Envelope.PayloadOneofCase.ViewerJoined);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_password_change_voids_viewer_tokens_minted_by_the_sessions_it_ended(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME");
        var (machineId, key) = await server.EnrollAsync(site, "uid-1");
        await using var agent = await FakeAgent.ConnectAsync(server, key);
        using var here = await server.UserClientAsync("tech1", "technician");
        using var elsewhere = server.CreateClient(await server.LoginAsync("tech1", "user-password-for-tests"));
        var fromElsewhere = await FakeViewer.TokenAsync(elsewhere, machineId);
        var fromHere = await FakeViewer.TokenAsync(here, machineId);

        using var changed = await here.PostAsJsonAsync("/api/auth/change-password", new { currentPassword = "user-password-for-tests", newPassword = "a-new-password-123" });
        changed.StatusCode.ShouldBe(HttpStatusCode.NoContent);

        (await FakeViewer.RefusedAsync(server, machineId.ToString(), fromElsewhere)).ShouldBe(HttpStatusCode.Unauthorized);
        // The session that changed the password goes on, and so do the viewer tokens it minted.
        await using var viewer = await ProtocolPeer.ConnectAsync(FakeViewer.Endpoint(server, machineId.ToString(), fromHere));
        await agent.ReceiveAsync(GuruConnect.Protocol.V1.Envelope.PayloadOneofCase.ViewerJoined);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Deleted_user_tokens_are_refused(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        using var tech = await server.UserClientAsync("tech1", "technician");
        var site = await admin.CreateSiteWithKeyAsync("ACME");
        var (machineId, key) = await server.EnrollAsync(site, "uid-1");
        await using var agent = await FakeAgent.ConnectAsync(server, key);
        var token = await FakeViewer.TokenAsync(tech, machineId);
        var techId = (await tech.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("id").GetGuid();

        (await admin.DeleteAsync($"/api/users/{techId}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        (await FakeViewer.RefusedAsync(server, machineId.ToString(), token)).ShouldBe(HttpStatusCode.Unauthorized);
    }

    private static string Tamper(string jwt)
    {
        var parts = jwt.Split('.');
        var signature = parts[2].ToCharArray();
        signature[5] = signature[5] == 'A' ? 'B' : 'A';
        return $"{parts[0]}.{parts[1]}.{new string(signature)}";
    }
}
