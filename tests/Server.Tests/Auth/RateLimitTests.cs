using GuruConnect.Server.RateLimiting;

namespace GuruConnect.Server.Tests.Auth;

public sealed class RateLimitTests
{
    private static readonly string[] StrictLogin = ["--Auth:LoginAttemptsPerMinute=100", "--Auth:LoginFailuresBeforeLockout=10"];

    private static Task<HttpResponseMessage> LoginAsync(HttpClient client, string password, string? forwardedFor = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login")
        {
            Content = JsonContent.Create(new { username = "admin", password }),
        };
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        return client.SendAsync(request);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Ten_failures_lock_the_ip_for_15_minutes_even_for_the_right_password_then_it_expires(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db, StrictLogin);
        for (var i = 0; i < 10; i++)
        {
            using var failed = await LoginAsync(server.Client, "wrong-password-" + i);
            failed.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        using (var locked = await LoginAsync(server.Client, GuruServer.AdminPassword))
        {
            await locked.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
            locked.Headers.RetryAfter!.Delta!.Value.TotalMinutes.ShouldBe(15, 0.1);
        }

        server.Clock.Advance(TimeSpan.FromMinutes(14));
        using (var stillLocked = await LoginAsync(server.Client, GuruServer.AdminPassword))
        {
            stillLocked.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        }

        server.Clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        using var unlocked = await LoginAsync(server.Client, GuruServer.AdminPassword);
        unlocked.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_success_resets_the_failure_streak()
    {
        await using var server = await GuruServer.StartAsync(DbKind.Sqlite, StrictLogin);
        for (var i = 0; i < 9; i++)
        {
            (await LoginAsync(server.Client, "wrong-password-x")).Dispose();
        }

        (await LoginAsync(server.Client, GuruServer.AdminPassword)).StatusCode.ShouldBe(HttpStatusCode.OK);
        for (var i = 0; i < 9; i++)
        {
            (await LoginAsync(server.Client, "wrong-password-x")).Dispose();
        }

        (await LoginAsync(server.Client, GuruServer.AdminPassword)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Attempts_beyond_the_per_minute_budget_are_refused_until_the_window_moves()
    {
        await using var server = await GuruServer.StartAsync(DbKind.Sqlite, "--Auth:LoginAttemptsPerMinute=3", "--Auth:LoginFailuresBeforeLockout=100");
        for (var i = 0; i < 3; i++)
        {
            (await LoginAsync(server.Client, GuruServer.AdminPassword)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        (await LoginAsync(server.Client, GuruServer.AdminPassword)).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        server.Clock.Advance(TimeSpan.FromMinutes(1));
        (await LoginAsync(server.Client, GuruServer.AdminPassword)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task X_Forwarded_For_from_an_untrusted_peer_is_ignored()
    {
        await using var server = await GuruServer.StartAsync(DbKind.Sqlite, StrictLogin);
        // An attacker rotating a forged header must still land in their own (real IP) bucket.
        for (var i = 0; i < 10; i++)
        {
            (await LoginAsync(server.Client, "wrong-password-x", forwardedFor: $"203.0.113.{i}")).Dispose();
        }

        using var response = await LoginAsync(server.Client, GuruServer.AdminPassword, forwardedFor: "203.0.113.200");
        response.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task X_Forwarded_For_from_a_trusted_proxy_gives_each_client_its_own_bucket()
    {
        await using var server = await GuruServer.StartAsync(DbKind.Sqlite, [.. StrictLogin, "--Network:TrustedProxies:0=127.0.0.1"]);
        for (var i = 0; i < 10; i++)
        {
            (await LoginAsync(server.Client, "wrong-password-x", forwardedFor: "203.0.113.7")).Dispose();
        }

        (await LoginAsync(server.Client, GuruServer.AdminPassword, forwardedFor: "203.0.113.7")).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        (await LoginAsync(server.Client, GuruServer.AdminPassword, forwardedFor: "203.0.113.8")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Change_password_is_limited_per_user(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db, "--Auth:ChangePasswordAttemptsPerMinute=3");
        using var client = await server.AdminClientAsync();
        for (var i = 0; i < 3; i++)
        {
            using var wrong = await client.PostAsJsonAsync("/api/auth/change-password", new { currentPassword = "wrong-password-x", newPassword = "a-new-password-123" });
            await wrong.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "INVALID_CREDENTIALS");
        }

        using var locked = await client.PostAsJsonAsync("/api/auth/change-password", new { currentPassword = GuruServer.AdminPassword, newPassword = "a-new-password-123" });
        await locked.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");

        // Another user is not affected.
        using var tech = await server.UserClientAsync("tech1", "technician");
        using var ok = await tech.PostAsJsonAsync("/api/auth/change-password", new { currentPassword = "user-password-for-tests", newPassword = "a-new-password-123" });
        ok.StatusCode.ShouldBe(HttpStatusCode.NoContent);
    }

    [Fact]
    public void Limiter_state_is_capped_when_source_addresses_rotate()
    {
        var clock = new ManualClock();
        var limiter = new KeyedRateLimiter(new RateLimitPolicy(10, TimeSpan.FromMinutes(1), 10, TimeSpan.FromMinutes(15), MaxEntries: 1000), clock);

        for (var i = 0; i < 50_000; i++)
        {
            limiter.TryAcquire($"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}");
            limiter.RecordFailure($"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}");
        }

        limiter.Count.ShouldBeLessThanOrEqualTo(1000);
    }

    [Fact]
    public void Locked_keys_survive_trimming_of_idle_ones()
    {
        var clock = new ManualClock();
        var limiter = new KeyedRateLimiter(new RateLimitPolicy(10, TimeSpan.FromMinutes(1), 1, TimeSpan.FromMinutes(15), MaxEntries: 100), clock);
        limiter.RecordFailure("attacker");
        clock.Advance(TimeSpan.FromMinutes(2));
        for (var i = 0; i < 99; i++)
        {
            limiter.TryAcquire("idle-" + i);
        }

        clock.Advance(TimeSpan.FromMinutes(2));
        limiter.TryAcquire("newcomer").Allowed.ShouldBeTrue();
        limiter.TryAcquire("attacker").Allowed.ShouldBeFalse();
    }
}
