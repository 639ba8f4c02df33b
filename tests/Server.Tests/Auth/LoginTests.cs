namespace GuruConnect.Server.Tests.Auth;

public sealed class LoginTests
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Login_admin_with_bootstrap_password_returns_token_and_me_works(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);

        using var response = await server.Client.PostAsJsonAsync("/api/auth/login", new { username = "admin", password = GuruServer.AdminPassword });
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("user").GetProperty("role").GetString().ShouldBe("admin");
        body.GetProperty("expiresAt").GetDateTimeOffset().ShouldBe(server.Clock.GetUtcNow().AddHours(24), TimeSpan.FromSeconds(1));

        using var client = server.CreateClient(body.GetProperty("token").GetString());
        var me = await client.GetFromJsonAsync<JsonElement>("/api/auth/me");
        me.GetProperty("username").GetString().ShouldBe("admin");
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Wrong_password_and_unknown_user_give_identical_401_bodies(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);

        using var wrongPassword = await server.Client.PostAsJsonAsync("/api/auth/login", new { username = "admin", password = "not-the-password-at-all" });
        using var unknownUser = await server.Client.PostAsJsonAsync("/api/auth/login", new { username = "nobody-here", password = "not-the-password-at-all" });

        await wrongPassword.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "INVALID_CREDENTIALS");
        await unknownUser.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "INVALID_CREDENTIALS");
        (await unknownUser.BodyWithoutTraceIdAsync()).ShouldBe(await wrongPassword.BodyWithoutTraceIdAsync());
    }

    [Fact]
    public async Task Unknown_user_pays_one_argon2_verification_like_a_wrong_password()
    {
        await using var server = await GuruServer.StartAsync(DbKind.Sqlite);
        var argon2 = server.Services.GetRequiredService<GuruConnect.Server.Auth.Argon2id>();

        var before = argon2.Verifications;
        (await server.Client.PostAsJsonAsync("/api/auth/login", new { username = "nobody-here", password = "not-the-password-at-all" })).Dispose();
        var unknown = argon2.Verifications - before;
        (await server.Client.PostAsJsonAsync("/api/auth/login", new { username = "admin", password = "not-the-password-at-all" })).Dispose();
        var wrong = argon2.Verifications - before - unknown;

        unknown.ShouldBe(1);
        wrong.ShouldBe(1);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Logged_out_token_is_refused_and_stays_refused_after_a_restart(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        var token = await server.LoginAsync();
        using (var client = server.CreateClient(token))
        {
            (await client.GetAsync("/api/auth/me")).StatusCode.ShouldBe(HttpStatusCode.OK);
            (await client.PostAsync("/api/auth/logout", null)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
            using var afterLogout = await client.GetAsync("/api/auth/me");
            await afterLogout.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        }

        await server.RestartAsync();

        using var again = server.CreateClient(token);
        using var afterRestart = await again.GetAsync("/api/auth/me");
        await afterRestart.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        // A fresh login still works: only that token was revoked.
        using var fresh = server.CreateClient(await server.LoginAsync());
        (await fresh.GetAsync("/api/auth/me")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Token_survives_a_restart_when_not_logged_out(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        var token = await server.LoginAsync();

        await server.RestartAsync();

        using var client = server.CreateClient(token);
        (await client.GetAsync("/api/auth/me")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Expired_login_token_is_refused()
    {
        await using var server = await GuruServer.StartAsync(DbKind.Sqlite);
        using var client = server.CreateClient(await server.LoginAsync());

        server.Clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1));

        using var response = await client.GetAsync("/api/auth/me");
        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task Token_signed_with_another_secret_is_refused()
    {
        await using var server = await GuruServer.StartAsync(DbKind.Sqlite);
        await using var other = await GuruServer.StartAsync(DbKind.Sqlite);
        var foreign = await other.LoginAsync();

        using var client = server.CreateClient(foreign);
        using var response = await client.GetAsync("/api/auth/me");
        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Theory]
    [InlineData("cak_0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("cek_0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("gcp_0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("not-a-token")]
    public async Task Keys_of_other_planes_are_not_login_credentials(string credential)
    {
        await using var server = await GuruServer.StartAsync(DbKind.Sqlite);
        using var client = server.CreateClient(credential);

        using var response = await client.GetAsync("/api/auth/me");
        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task No_token_gives_401_problem()
    {
        await using var server = await GuruServer.StartAsync(DbKind.Sqlite);
        using var response = await server.Client.GetAsync("/api/users");
        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }
}
