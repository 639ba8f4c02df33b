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

    [Fact]
    public async Task Short_new_password_is_WEAK_PASSWORD()
    {
        await using var server = await GuruServer.StartAsync(DbKind.Sqlite);
        using var client = await server.AdminClientAsync();

        using var response = await client.PostAsJsonAsync("/api/auth/change-password", new { currentPassword = GuruServer.AdminPassword, newPassword = "short" });
        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "WEAK_PASSWORD");
    }
}
