namespace GuruConnect.Server.Tests.Auth;

public sealed class ChangePasswordTests
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Change_password_then_login_with_the_new_one(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var client = await server.AdminClientAsync();

        using var changed = await client.PostAsJsonAsync("/api/auth/change-password", new { currentPassword = GuruServer.AdminPassword, newPassword = "brand-new-password-42" });
        changed.StatusCode.ShouldBe(HttpStatusCode.NoContent);

        (await server.Client.PostAsJsonAsync("/api/auth/login", new { username = "admin", password = GuruServer.AdminPassword })).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await server.LoginAsync("admin", "brand-new-password-42")).ShouldNotBeNullOrEmpty();
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Changing_the_password_ends_the_other_sessions_but_not_the_one_that_changed_it(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var here = await server.AdminClientAsync();
        using var elsewhere = await server.AdminClientAsync(); // e.g. a stolen token on another machine
        using var apiTokenResponse = await here.PostAsJsonAsync("/api/tokens", new { name = "ci", expiresInDays = 1 });
        using var viaApiToken = server.CreateClient((await apiTokenResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString());

        using var changed = await here.PostAsJsonAsync("/api/auth/change-password", new { currentPassword = GuruServer.AdminPassword, newPassword = "brand-new-password-42" });
        changed.StatusCode.ShouldBe(HttpStatusCode.NoContent);

        (await here.GetAsync("/api/auth/me")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await (await elsewhere.GetAsync("/api/auth/me")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        (await viaApiToken.GetAsync("/api/auth/me")).StatusCode.ShouldBe(HttpStatusCode.OK, "API tokens are separate credentials: revoke them on their own");
        using var fresh = server.CreateClient(await server.LoginAsync("admin", "brand-new-password-42"));
        (await fresh.GetAsync("/api/auth/me")).StatusCode.ShouldBe(HttpStatusCode.OK);

        // A second change from the fresh session ends the first one, which was only kept for the first change.
        using var again = await fresh.PostAsJsonAsync("/api/auth/change-password", new { currentPassword = "brand-new-password-42", newPassword = "another-password-43" });
        again.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await fresh.GetAsync("/api/auth/me")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await here.GetAsync("/api/auth/me")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task An_admin_resetting_a_password_ends_that_users_sessions(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        using var tech = await server.UserClientAsync("tech1", "technician");
        var me = await tech.GetFromJsonAsync<JsonElement>("/api/auth/me");

        using var reset = await admin.PatchAsJsonAsync($"/api/users/{me.GetProperty("id").GetGuid()}", new { password = "reset-by-admin-123" });
        reset.StatusCode.ShouldBe(HttpStatusCode.OK);

        (await tech.GetAsync("/api/auth/me")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await admin.GetAsync("/api/auth/me")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await server.LoginAsync("tech1", "reset-by-admin-123")).ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task Short_new_password_is_WEAK_PASSWORD()
    {
        await using var server = await GuruServer.StartAsync(DbKind.Sqlite);
        using var client = await server.AdminClientAsync();

        using var response = await client.PostAsJsonAsync("/api/auth/change-password", new { currentPassword = GuruServer.AdminPassword, newPassword = "short" });
        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "WEAK_PASSWORD");
    }
}
