namespace GuruConnect.Server.Tests.Sites;

public sealed class SitesApiTests
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Create_rotate_and_read_a_sites_key_fingerprint(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        using var created = await admin.PostAsJsonAsync("/api/sites", new { siteCode = "ACME-PHX", displayName = "Acme Phoenix", company = "Acme" });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var site = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = site.GetProperty("id").GetGuid();
        site.GetProperty("currentKey").ValueKind.ShouldBe(JsonValueKind.Null);
        site.GetProperty("enrollmentPolicy").GetString().ShouldBe("auto-approve");

        using var noKey = await admin.GetAsync($"/api/sites/{id}/enrollment-key");
        await noKey.ShouldBeProblemAsync(HttpStatusCode.NotFound, "NO_ENROLLMENT_KEY");

        using var v1 = await admin.PostAsync($"/api/sites/{id}/enrollment-key/rotate", null);
        v1.StatusCode.ShouldBe(HttpStatusCode.Created);
        var first = await v1.Content.ReadFromJsonAsync<JsonElement>();
        var key = first.GetProperty("key").GetString()!;
        key.ShouldMatch("^cek_[0-9a-f]{64}$");
        first.GetProperty("version").GetInt32().ShouldBe(1);
        var fp = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)))[..4];
        first.GetProperty("fingerprint").GetString().ShouldBe(fp);
        first.GetProperty("fingerprintLabel").GetString().ShouldBe($"v1 ({fp})");

        using var v2 = await admin.PostAsync($"/api/sites/{id}/enrollment-key/rotate", null);
        var second = await v2.Content.ReadFromJsonAsync<JsonElement>();
        second.GetProperty("version").GetInt32().ShouldBe(2);

        var info = await admin.GetFromJsonAsync<JsonElement>($"/api/sites/{id}/enrollment-key");
        info.GetProperty("version").GetInt32().ShouldBe(2);
        info.GetProperty("active").GetBoolean().ShouldBeTrue();
        info.TryGetProperty("key", out _).ShouldBeFalse();
        (await server.CountRowsAsync("SELECT COUNT(*) FROM site_enrollment_keys WHERE active = @a", new { a = true })).ShouldBe(1);
        (await server.CountRowsAsync("SELECT COUNT(*) FROM site_enrollment_keys WHERE key_hash LIKE '$argon2id$%'")).ShouldBe(2);

        var list = await admin.GetFromJsonAsync<JsonElement[]>("/api/sites");
        list!.Single().GetProperty("currentKey").GetProperty("fingerprintLabel").GetString().ShouldBe(second.GetProperty("fingerprintLabel").GetString());
        list!.Single().GetProperty("machineCount").GetInt64().ShouldBe(0);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Concurrent_rotations_leave_one_active_key_and_distinct_versions(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        using var created = await admin.PostAsJsonAsync("/api/sites", new { siteCode = "ACME-PHX" });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => admin.PostAsync($"/api/sites/{id}/enrollment-key/rotate", null)));

        responses.ShouldAllBe(r => r.StatusCode == HttpStatusCode.Created);
        (await server.CountRowsAsync("SELECT COUNT(*) FROM site_enrollment_keys WHERE active = @a", new { a = true })).ShouldBe(1);
        (await server.CountRowsAsync("SELECT COUNT(DISTINCT version) FROM site_enrollment_keys")).ShouldBe(5);
    }

    [Theory]
    [InlineData("A")]
    [InlineData("-starts-with-dash")]
    [InlineData("has space")]
    [InlineData("ünicode")]
    public async Task Bad_site_codes_are_400(string code)
    {
        await using var server = await GuruServer.StartAsync(DbKind.Sqlite);
        using var admin = await server.AdminClientAsync();
        using var response = await admin.PostAsJsonAsync("/api/sites", new { siteCode = code });
        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_REQUEST");
        problem.GetProperty("errors").TryGetProperty("siteCode", out _).ShouldBeTrue();
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Duplicate_site_code_is_409_SITE_CODE_TAKEN_and_technicians_cannot_create_or_rotate(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME-PHX");
        using var duplicate = await admin.PostAsJsonAsync("/api/sites", new { siteCode = "acme-phx" });
        await duplicate.ShouldBeProblemAsync(HttpStatusCode.Conflict, "SITE_CODE_TAKEN");

        using var tech = await server.UserClientAsync("tech1", "technician");
        (await tech.GetAsync("/api/sites")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await tech.PostAsJsonAsync("/api/sites", new { siteCode = "TECH-SITE" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await tech.PostAsync($"/api/sites/{site.Id}/enrollment-key/rotate", null)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await tech.GetAsync($"/api/sites/{site.Id}/enrollment-key")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        using var missing = await admin.GetAsync($"/api/sites/{Guid.NewGuid()}");
        await missing.ShouldBeProblemAsync(HttpStatusCode.NotFound, "SITE_NOT_FOUND");
    }
}
