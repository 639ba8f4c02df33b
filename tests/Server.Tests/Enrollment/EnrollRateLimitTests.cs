namespace GuruConnect.Server.Tests.Enrollment;

public sealed class EnrollRateLimitTests
{
    private static Task<HttpResponseMessage> EnrollFromAsync(HttpClient client, object body, string ip)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/enroll") { Content = JsonContent.Create(body) };
        request.Headers.Add("X-Forwarded-For", ip);
        return client.SendAsync(request);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Twenty_failures_lock_the_site_and_ip_for_15_minutes_then_it_expires(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db, "--Network:TrustedProxies:0=127.0.0.1");
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME-PHX");
        var wrong = site.Enrollment("uid-1", key: "cek_" + new string('0', 64));
        for (var i = 0; i < 20; i++)
        {
            (await EnrollFromAsync(server.Client, wrong, "198.51.100.1")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        using (var locked = await EnrollFromAsync(server.Client, site.Enrollment("uid-1"), "198.51.100.1"))
        {
            await locked.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
        }

        // Independent buckets: same IP at another site, same site from another IP.
        var other = await admin.CreateSiteWithKeyAsync("OTHER");
        (await EnrollFromAsync(server.Client, other.Enrollment("uid-2"), "198.51.100.1")).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await EnrollFromAsync(server.Client, site.Enrollment("uid-3"), "198.51.100.2")).StatusCode.ShouldBe(HttpStatusCode.Created);

        server.Clock.Advance(TimeSpan.FromMinutes(14));
        (await EnrollFromAsync(server.Client, site.Enrollment("uid-1"), "198.51.100.1")).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        server.Clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        (await EnrollFromAsync(server.Client, site.Enrollment("uid-1"), "198.51.100.1")).StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Sixty_requests_per_minute_per_site_and_ip_then_429_until_the_window_moves()
    {
        await using var server = await GuruServer.StartAsync(DbKind.Sqlite, "--Network:TrustedProxies:0=127.0.0.1");
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME-PHX");
        // Re-enrollments of one machine: cheap to repeat (verified-key cache) and each one counts.
        var enroll = new { siteCode = "ACME-PHX", enrollmentKey = site.Key, machineUid = "uid-1", hostname = "h" };
        for (var i = 0; i < 60; i++)
        {
            (await EnrollFromAsync(server.Client, enroll, "198.51.100.9")).StatusCode.ShouldBeOneOf(HttpStatusCode.Created, HttpStatusCode.OK);
        }

        using var limited = await EnrollFromAsync(server.Client, enroll, "198.51.100.9");
        await limited.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
        limited.Headers.RetryAfter.ShouldNotBeNull();
        (await EnrollFromAsync(server.Client, enroll, "198.51.100.10")).StatusCode.ShouldBe(HttpStatusCode.OK);

        server.Clock.Advance(TimeSpan.FromSeconds(61));
        (await EnrollFromAsync(server.Client, enroll, "198.51.100.9")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_success_resets_the_failure_streak()
    {
        await using var server = await GuruServer.StartAsync(DbKind.Sqlite);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME-PHX");
        var wrong = site.Enrollment("uid-1", key: "cek_" + new string('0', 64));
        for (var i = 0; i < 19; i++)
        {
            (await server.Client.EnrollAsync(wrong)).Dispose();
        }

        await server.Client.EnrollOkAsync(site.Enrollment("uid-1"));
        for (var i = 0; i < 19; i++)
        {
            (await server.Client.EnrollAsync(wrong)).Dispose();
        }

        await server.Client.EnrollOkAsync(site.Enrollment("uid-1"));
    }
}
