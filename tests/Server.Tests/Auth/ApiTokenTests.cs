namespace GuruConnect.Server.Tests.Auth;

public sealed class ApiTokenTests
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Personal_token_works_like_a_login_token_until_revoked(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();

        using var created = await admin.PostAsJsonAsync("/api/tokens", new { name = "psa-sync", expiresInDays = 30 });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var token = body.GetProperty("token").GetString()!;
        token.ShouldMatch("^gcp_[0-9a-f]{64}$");

        using var viaToken = server.CreateClient(token);
        (await viaToken.GetAsync("/api/users")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var listed = await admin.GetFromJsonAsync<JsonElement[]>("/api/tokens");
        listed!.Single().TryGetProperty("token", out _).ShouldBeFalse();

        (await admin.DeleteAsync($"/api/tokens/{body.GetProperty("id").GetGuid()}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await viaToken.GetAsync("/api/users")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Expired_personal_token_is_refused()
    {
        await using var server = await GuruServer.StartAsync(DbKind.Sqlite);
        using var admin = await server.AdminClientAsync();
        using var created = await admin.PostAsJsonAsync("/api/tokens", new { name = "short", expiresInDays = 1 });
        var token = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;

        server.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));

        using var viaToken = server.CreateClient(token);
        (await viaToken.GetAsync("/api/auth/me")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Technician_token_carries_the_technician_role()
    {
        await using var server = await GuruServer.StartAsync(DbKind.Sqlite);
        using var tech = await server.UserClientAsync("tech1", "technician");
        using var created = await tech.PostAsJsonAsync("/api/tokens", new { name = "mine" });
        var token = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;

        using var viaToken = server.CreateClient(token);
        (await viaToken.GetAsync("/api/users")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }
}
