using Dapper;

namespace GuruConnect.Server.Tests.Hosting;

public sealed class AuditTests
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Logins_logout_and_user_changes_are_audited_without_secrets(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        (await server.Client.PostAsJsonAsync("/api/auth/login", new { username = "admin", password = "wrong-password-123" })).Dispose();
        using var admin = await server.AdminClientAsync();
        using var created = await admin.PostAsJsonAsync("/api/users", new { username = "tech1", password = "tech-password-123", role = "technician" });
        var techId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await admin.PatchAsJsonAsync($"/api/users/{techId}", new { role = "admin" })).Dispose();
        (await admin.DeleteAsync($"/api/users/{techId}")).Dispose();

        var page = await admin.GetFromJsonAsync<JsonElement>("/api/events?pageSize=100");
        var types = page.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToList();
        types.ShouldContain("login_failed");
        types.ShouldContain("login_succeeded");
        types.ShouldContain("user_created");
        types.ShouldContain("user_updated");
        types.ShouldContain("user_deleted");
        var failed = page.GetProperty("items").EnumerateArray().First(e => e.GetProperty("type").GetString() == "login_failed");
        failed.GetProperty("ip").GetString().ShouldBe("127.0.0.1");
        failed.GetProperty("actor").GetString().ShouldBe("admin");

        var raw = page.GetRawText();
        raw.ShouldNotContain("wrong-password-123");
        raw.ShouldNotContain("tech-password-123");
        raw.ShouldNotContain("$argon2id");

        (await admin.PostAsync("/api/auth/logout", null)).Dispose();
        using var again = await server.AdminClientAsync();
        var filtered = await again.GetFromJsonAsync<JsonElement>("/api/events?type=logout");
        filtered.GetProperty("total").GetInt64().ShouldBe(1);
        filtered.GetProperty("page").GetInt32().ShouldBe(1);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_failing_audit_write_never_fails_the_action(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        await using (var connection = await server.Database.Open().OpenAsync(CancellationToken.None))
        {
            await connection.ExecuteAsync("DROP TABLE audit_events");
        }

        (await server.LoginAsync()).ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task Events_filter_by_time_range_and_page()
    {
        await using var server = await GuruServer.StartAsync(DbKind.Sqlite);
        using var admin = await server.AdminClientAsync();
        var start = server.Clock.GetUtcNow();
        server.Clock.Advance(TimeSpan.FromHours(1));
        for (var i = 0; i < 3; i++)
        {
            (await server.Client.PostAsJsonAsync("/api/auth/login", new { username = "x", password = "wrong-password-123" })).Dispose();
        }

        var since = Uri.EscapeDataString(start.AddMinutes(30).ToString("O"));
        var page = await admin.GetFromJsonAsync<JsonElement>($"/api/events?since={since}&pageSize=2");
        page.GetProperty("total").GetInt64().ShouldBe(3);
        page.GetProperty("items").GetArrayLength().ShouldBe(2);
    }
}
