namespace GuruConnect.Server.Tests.Hardening;

/// <summary>Every answer: nosniff, never framed, no referrer, a CSP, no Server header; API answers (which carry the secrets) are no-store.</summary>
public sealed class SecurityHeadersTests
{
    [Fact]
    public async Task The_console_page_has_a_content_security_policy_that_fits_the_console()
    {
        await using var server = await GuruServer.StartAsync(DbKind.Sqlite);

        foreach (var path in new[] { "/", "/machines/some-id" })
        {
            using var response = await server.Client.GetAsync(path);
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            ShouldHaveCommonHeaders(response, path);
            var csp = string.Join(' ', response.Headers.GetValues("Content-Security-Policy"));
            foreach (var directive in new[]
            {
                "default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "worker-src 'self' blob:", "img-src 'self' data: blob:",
                "connect-src 'self' ws: wss:", "style-src 'self' 'unsafe-inline'", "object-src 'none'", "frame-ancestors 'none'",
            })
            {
                csp.ShouldContain(directive, customMessage: path);
            }

            csp.ShouldNotContain("'unsafe-eval'");
        }
    }

    [Fact]
    public async Task Errors_and_api_answers_carry_the_headers_too()
    {
        await using var server = await GuruServer.StartAsync(DbKind.Sqlite);

        foreach (var path in new[] { "/api/does-not-exist", "/api/machines", "/healthz" })
        {
            using var response = await server.Client.GetAsync(path);
            ShouldHaveCommonHeaders(response, path);
        }

        using var unknown = await server.Client.GetAsync("/api/does-not-exist");
        string.Join(' ', unknown.Headers.GetValues("Content-Security-Policy")).ShouldContain("default-src 'none'");
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Every_answer_that_carries_a_secret_is_no_store(DbKind kind)
    {
        await using var server = await GuruServer.StartAsync(kind);
        using var login = await server.Client.PostAsJsonAsync("/api/auth/login", new { username = "admin", password = GuruServer.AdminPassword });
        ShouldBeNoStore(login, "login");
        using var admin = await server.AdminClientAsync();

        using var site = await admin.PostAsJsonAsync("/api/sites", new { siteCode = "ACME", displayName = "Acme" });
        var siteId = (await site.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        using var rotated = await admin.PostAsync($"/api/sites/{siteId}/enrollment-key/rotate", null);
        ShouldBeNoStore(rotated, "cek_ rotate");
        var cek = (await rotated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;

        using var enrolled = await server.Client.EnrollAsync(new { siteCode = "ACME", enrollmentKey = cek, machineUid = "uid-1", hostname = "PC-01" });
        ShouldBeNoStore(enrolled, "enroll (cak_)");
        var enrolledBody = await enrolled.Content.ReadFromJsonAsync<JsonElement>();
        var machineId = enrolledBody.GetProperty("machineId").GetGuid();

        using var issued = await admin.PostAsync($"/api/machines/{machineId}/keys", null);
        issued.StatusCode.ShouldBe(HttpStatusCode.Created);
        ShouldBeNoStore(issued, "cak_ issue");

        using var token = await admin.PostAsJsonAsync("/api/tokens", new { name = "ci" });
        token.StatusCode.ShouldBe(HttpStatusCode.Created);
        ShouldBeNoStore(token, "API token");

        using var code = await admin.PostAsJsonAsync("/api/codes", new { note = "caller" });
        ShouldBeNoStore(code, "support code");

        var key = (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        await using var agent = await FakeAgent.ConnectAsync(server, key);
        using var viewer = await admin.PostAsync($"/api/sessions/{machineId}/viewer-token", null);
        viewer.StatusCode.ShouldBe(HttpStatusCode.Created);
        ShouldBeNoStore(viewer, "viewer token");
    }

    private static void ShouldHaveCommonHeaders(HttpResponseMessage response, string path)
    {
        response.Headers.GetValues("X-Content-Type-Options").ShouldBe(["nosniff"], path);
        response.Headers.GetValues("X-Frame-Options").ShouldBe(["DENY"], path);
        response.Headers.GetValues("Referrer-Policy").ShouldBe(["no-referrer"], path);
        response.Headers.Contains("Content-Security-Policy").ShouldBeTrue(path);
        response.Headers.Contains("Server").ShouldBeFalse(path);
    }

    private static void ShouldBeNoStore(HttpResponseMessage response, string what)
    {
        response.IsSuccessStatusCode.ShouldBeTrue(what);
        response.Headers.CacheControl.ShouldNotBeNull(what).NoStore.ShouldBeTrue(what);
    }
}
