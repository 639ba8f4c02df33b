namespace GuruConnect.Server.Tests.Users;

public sealed class UsersApiTests
{
    private static async Task<Guid> AdminIdAsync(HttpClient admin) =>
        (await admin.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("id").GetGuid();

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_last_admin_cannot_be_deleted_or_demoted(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        var adminId = await AdminIdAsync(admin);

        using var delete = await admin.DeleteAsync($"/api/users/{adminId}");
        await delete.ShouldBeProblemAsync(HttpStatusCode.Conflict, "LAST_ADMIN");
        using var demote = await admin.PatchAsJsonAsync($"/api/users/{adminId}", new { role = "technician" });
        await demote.ShouldBeProblemAsync(HttpStatusCode.Conflict, "LAST_ADMIN");

        // With a second admin, demoting the first is allowed.
        using var second = await admin.PostAsJsonAsync("/api/users", new { username = "second-admin", password = "second-admin-password", role = "admin" });
        second.StatusCode.ShouldBe(HttpStatusCode.Created);
        using var demoted = await admin.PatchAsJsonAsync($"/api/users/{adminId}", new { role = "technician" });
        demoted.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Concurrent_demotions_of_two_admins_leave_one_admin(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        var firstId = await AdminIdAsync(admin);
        using var created = await admin.PostAsJsonAsync("/api/users", new { username = "second-admin", password = "second-admin-password", role = "admin" });
        var secondId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        // Through the store: over HTTP the caller's own demotion would also turn the second call into a 403.
        var store = server.Services.GetRequiredService<GuruConnect.Server.Users.UserStore>();
        var results = await Task.WhenAll(
            Task.Run(() => store.UpdateAsync(firstId, null, "technician", CancellationToken.None)),
            Task.Run(() => store.UpdateAsync(secondId, null, "technician", CancellationToken.None)));

        results.Count(r => r.Result == GuruConnect.Server.Users.UserChange.Done).ShouldBe(1);
        results.Count(r => r.Result == GuruConnect.Server.Users.UserChange.LastAdmin).ShouldBe(1);
        var users = await store.ListAsync(GuruConnect.Server.Data.Tenants.Default, CancellationToken.None);
        users.Count(u => u.Role == "admin").ShouldBe(1);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Technician_calling_an_admin_route_gets_403(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var tech = await server.UserClientAsync("tech1", "technician");

        using var list = await tech.GetAsync("/api/users");
        await list.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
        using var events = await tech.GetAsync("/api/events");
        await events.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
        (await tech.GetAsync("/api/auth/me")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Users_crud_round_trip_and_duplicate_name(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();

        using var created = await admin.PostAsJsonAsync("/api/users", new { username = "Alice", password = "alice-password-12", role = "technician" });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var alice = await created.Content.ReadFromJsonAsync<JsonElement>();
        alice.TryGetProperty("passwordHash", out _).ShouldBeFalse();
        var id = alice.GetProperty("id").GetGuid();

        using var duplicate = await admin.PostAsJsonAsync("/api/users", new { username = "alice", password = "alice-password-12", role = "technician" });
        await duplicate.ShouldBeProblemAsync(HttpStatusCode.Conflict, "USERNAME_TAKEN");

        using var promoted = await admin.PatchAsJsonAsync($"/api/users/{id}", new { role = "admin" });
        (await promoted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("role").GetString().ShouldBe("admin");

        (await admin.DeleteAsync($"/api/users/{id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        using var gone = await admin.GetAsync($"/api/users/{id}");
        await gone.ShouldBeProblemAsync(HttpStatusCode.NotFound, "USER_NOT_FOUND");
    }

    [Fact]
    public async Task A_deleted_users_token_stops_working_at_once()
    {
        await using var server = await GuruServer.StartAsync(DbKind.Sqlite);
        using var admin = await server.AdminClientAsync();
        using var tech = await server.UserClientAsync("tech1", "technician");
        var techId = (await tech.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("id").GetGuid();

        (await admin.DeleteAsync($"/api/users/{techId}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        (await tech.GetAsync("/api/auth/me")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Invalid_user_fields_are_INVALID_REQUEST_with_errors()
    {
        await using var server = await GuruServer.StartAsync(DbKind.Sqlite);
        using var admin = await server.AdminClientAsync();

        using var response = await admin.PostAsJsonAsync("/api/users", new { username = "has space", password = "long-enough-password", role = "root" });
        var body = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_REQUEST");
        body.GetProperty("errors").TryGetProperty("username", out _).ShouldBeTrue();
        body.GetProperty("errors").TryGetProperty("role", out _).ShouldBeTrue();
    }
}
