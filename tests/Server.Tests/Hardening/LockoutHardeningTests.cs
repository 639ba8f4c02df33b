using GuruConnect.Server.RateLimiting;

namespace GuruConnect.Server.Tests.Hardening;

/// <summary>Lockouts survive table pressure, IPv6 clients are counted by /64, and one account cannot be guessed fast from many addresses.</summary>
public sealed class LockoutHardeningTests
{
    private const string Proxy = "--Network:TrustedProxies:0=127.0.0.1";

    private static async Task<HttpStatusCode> LoginAsync(GuruServer server, string from, string password, string username = "admin")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login") { Content = JsonContent.Create(new { username, password }) };
        request.Headers.Add("X-Forwarded-For", from);
        using var response = await server.Client.SendAsync(request);
        return response.StatusCode;
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_login_lockout_outlives_a_flood_of_new_addresses(DbKind kind)
    {
        await using var server = await GuruServer.StartAsync(kind, Proxy, "--Auth:LoginFailuresBeforeLockout=3", "--Auth:RateLimiterMaxEntries=100");
        for (var i = 0; i < 3; i++)
        {
            (await LoginAsync(server, "203.0.113.7", "wrong-password-x")).ShouldBe(HttpStatusCode.Unauthorized);
        }

        // One and a half times the table's size in fresh addresses, each more recent than the locked one
        // (the clock moves, so "least recently used" really is the locked entry, well inside its 15 minutes).
        for (var i = 0; i < 150; i++)
        {
            server.Clock.Advance(TimeSpan.FromSeconds(1));
            (await LoginAsync(server, $"198.51.100.{i}", "wrong-password-x")).ShouldBeOneOf(HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests);
        }

        (await LoginAsync(server, "203.0.113.7", GuruServer.AdminPassword)).ShouldBe(HttpStatusCode.TooManyRequests);
        server.Services.GetRequiredService<GuruConnect.Server.Auth.AuthRateLimiters>().Login.Count.ShouldBeLessThanOrEqualTo(100);
    }

    [Fact]
    public void A_table_full_of_lockouts_refuses_new_keys_and_keeps_every_lockout()
    {
        var clock = new ManualClock();
        var limiter = new KeyedRateLimiter(new RateLimitPolicy(10, TimeSpan.FromMinutes(1), 1, TimeSpan.FromMinutes(15), MaxEntries: 100), clock);
        for (var i = 0; i < 100; i++)
        {
            limiter.RecordFailure("locked-" + i);
        }

        var refused = limiter.TryAcquire("newcomer");
        refused.Allowed.ShouldBeFalse();
        refused.RetryAfter.ShouldBe(TimeSpan.FromMinutes(15));
        Enumerable.Range(0, 100).Count(i => limiter.IsLockedOut("locked-" + i, out var _)).ShouldBe(100);
        limiter.Count.ShouldBe(100);

        clock.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1));
        limiter.TryAcquire("newcomer").Allowed.ShouldBeTrue();
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Login_counts_an_ipv6_client_by_its_64(DbKind kind)
    {
        await using var server = await GuruServer.StartAsync(kind, Proxy, "--Auth:LoginFailuresBeforeLockout=5");
        for (var i = 1; i <= 5; i++)
        {
            (await LoginAsync(server, $"2001:db8:1:2::{i:x}", "wrong-password-x")).ShouldBe(HttpStatusCode.Unauthorized);
        }

        (await LoginAsync(server, "2001:db8:1:2:ffff:ffff:ffff:ffff", GuruServer.AdminPassword)).ShouldBe(HttpStatusCode.TooManyRequests);
        (await LoginAsync(server, "2001:db8:1:3::1", GuruServer.AdminPassword)).ShouldBe(HttpStatusCode.OK);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Enrollment_counts_an_ipv6_client_by_its_64(DbKind kind)
    {
        await using var server = await GuruServer.StartAsync(kind, Proxy, "--Enrollment:FailuresBeforeLockout=5");
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME");

        async Task<HttpStatusCode> EnrollFromAsync(string from, string key)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/enroll") { Content = JsonContent.Create(site.Enrollment("uid-1", key: key)) };
            request.Headers.Add("X-Forwarded-For", from);
            using var response = await server.Client.SendAsync(request);
            return response.StatusCode;
        }

        for (var i = 1; i <= 5; i++)
        {
            (await EnrollFromAsync($"2001:db8:9:9::{i:x}", "cek_" + new string('0', 64))).ShouldBe(HttpStatusCode.Unauthorized);
        }

        (await EnrollFromAsync("2001:db8:9:9:abcd::1", site.Key)).ShouldBe(HttpStatusCode.TooManyRequests);
        (await EnrollFromAsync("2001:db8:9:a::1", site.Key)).ShouldBe(HttpStatusCode.Created);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_guess_spread_over_many_addresses_is_throttled_per_account_but_the_real_user_gets_in(DbKind kind)
    {
        await using var server = await GuruServer.StartAsync(kind, Proxy, "--Auth:AccountFailureBurst=5", "--Auth:AccountFailureRefill=00:00:30");
        using (var admin = await server.AdminClientAsync())
        {
            using var created = await admin.PostAsJsonAsync("/api/users", new { username = "tech1", password = "user-password-for-tests", role = "technician" });
            created.EnsureSuccessStatusCode();
        }

        // The admin has logged in from home before the attack.
        (await LoginAsync(server, "192.0.2.10", GuruServer.AdminPassword)).ShouldBe(HttpStatusCode.OK);

        for (var i = 0; i < 5; i++)
        {
            (await LoginAsync(server, $"198.51.100.{i}", "wrong-password-x")).ShouldBe(HttpStatusCode.Unauthorized);
            (await LoginAsync(server, $"198.51.100.{i}", "wrong-password-x", username: "nobody")).ShouldBe(HttpStatusCode.Unauthorized);
        }

        // A sixth address, even with the right password: wait. An unknown name answers exactly the same.
        (await LoginAsync(server, "198.51.100.50", GuruServer.AdminPassword)).ShouldBe(HttpStatusCode.TooManyRequests);
        (await LoginAsync(server, "198.51.100.50", "wrong-password-x", username: "nobody")).ShouldBe(HttpStatusCode.TooManyRequests);
        // The real user, from an address they have used, is never held up — not even by their own typo.
        (await LoginAsync(server, "192.0.2.10", "my-typo-password")).ShouldBe(HttpStatusCode.Unauthorized);
        (await LoginAsync(server, "192.0.2.10", GuruServer.AdminPassword)).ShouldBe(HttpStatusCode.OK);
        // Other accounts are not affected.
        (await LoginAsync(server, "198.51.100.51", "user-password-for-tests", username: "tech1")).ShouldBe(HttpStatusCode.OK);

        // One guess per refill interval after that.
        server.Clock.Advance(TimeSpan.FromSeconds(31));
        (await LoginAsync(server, "198.51.100.60", "wrong-password-x")).ShouldBe(HttpStatusCode.Unauthorized);
        (await LoginAsync(server, "198.51.100.61", "wrong-password-x")).ShouldBe(HttpStatusCode.TooManyRequests);
    }
}
