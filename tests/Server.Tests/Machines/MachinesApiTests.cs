using GuruConnect.Server.Machines;

namespace GuruConnect.Server.Tests.Machines;

public sealed class MachinesApiTests
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Delete_is_soft_idempotent_and_admin_only(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME-PHX");
        var (id, key) = await server.Client.EnrollOkAsync(site.Enrollment("uid-1"));
        using var tech = await server.UserClientAsync("tech1", "technician");

        (await tech.DeleteAsync($"/api/machines/{id}")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await admin.DeleteAsync($"/api/machines/{id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await admin.DeleteAsync($"/api/machines/{id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        using var unknown = await admin.DeleteAsync($"/api/machines/{Guid.NewGuid()}");
        await unknown.ShouldBeProblemAsync(HttpStatusCode.NotFound, "MACHINE_NOT_FOUND");

        (await server.CountRowsAsync("SELECT COUNT(*) FROM machines WHERE deleted_at IS NOT NULL")).ShouldBe(1);
        (await admin.GetFromJsonAsync<JsonElement>("/api/machines")).GetProperty("total").GetInt64().ShouldBe(0);
        (await server.Services.GetRequiredService<MachineKeyStore>().AuthenticateAsync(key, CancellationToken.None)).ShouldBeNull();
        (await admin.GetFromJsonAsync<JsonElement>("/api/events?type=machine_removed")).GetProperty("total").GetInt64().ShouldBe(2);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Bulk_delete_reports_each_id_and_one_bad_id_does_not_fail_the_rest(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME-PHX");
        var (a, _) = await server.Client.EnrollOkAsync(site.Enrollment("uid-a"));
        var (b, _) = await server.Client.EnrollOkAsync(site.Enrollment("uid-b"));
        var (c, _) = await server.Client.EnrollOkAsync(site.Enrollment("uid-c"));
        var ghost = Guid.NewGuid();

        using var response = await admin.PostAsJsonAsync("/api/machines/bulk-delete", new { ids = new[] { a.ToString(), b.ToString(), "not-a-guid", ghost.ToString(), "'; DROP TABLE machines; --" } });

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("removed").EnumerateArray().Select(e => e.GetGuid()).ShouldBe([a, b], ignoreOrder: true);
        body.GetProperty("notFound").EnumerateArray().Select(e => e.GetGuid()).ShouldBe([ghost]);
        body.GetProperty("invalid").GetArrayLength().ShouldBe(2);
        var remaining = await admin.GetFromJsonAsync<JsonElement>("/api/machines");
        remaining.GetProperty("items").EnumerateArray().Single().GetProperty("id").GetGuid().ShouldBe(c);
    }

    [Fact]
    public async Task Bulk_delete_is_capped_at_500_ids()
    {
        await using var server = await GuruServer.StartAsync(DbKind.Sqlite);
        using var admin = await server.AdminClientAsync();
        var ids = Enumerable.Range(0, 501).Select(_ => Guid.NewGuid().ToString()).ToArray();
        using var response = await admin.PostAsJsonAsync("/api/machines/bulk-delete", new { ids });
        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_REQUEST");
        (await admin.PostAsJsonAsync("/api/machines/bulk-delete", new { ids = ids[..500] })).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Patch_labels_changes_only_what_is_sent(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME-PHX");
        var (id, _) = await server.Client.EnrollOkAsync(site.Enrollment("uid-1", "PC-1", new { company = "Acme", department = "Sales" }));

        using var patched = await admin.PatchAsJsonAsync($"/api/machines/{id}", new { displayName = "Reception PC", tags = new[] { "vip", "vip", "lobby" } });

        patched.StatusCode.ShouldBe(HttpStatusCode.OK);
        var machine = await patched.Content.ReadFromJsonAsync<JsonElement>();
        machine.GetProperty("displayName").GetString().ShouldBe("Reception PC");
        machine.GetProperty("labels").GetProperty("company").GetString().ShouldBe("Acme");
        machine.GetProperty("labels").GetProperty("department").GetString().ShouldBe("Sales");
        machine.GetProperty("labels").GetProperty("tags").EnumerateArray().Select(t => t.GetString()).ShouldBe(["vip", "lobby"]);
        using var tech = await server.UserClientAsync("tech1", "technician");
        (await tech.PatchAsJsonAsync($"/api/machines/{id}", new { displayName = "x" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Machine_keys_issue_list_and_revoke(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME-PHX");
        var (id, _) = await server.Client.EnrollOkAsync(site.Enrollment("uid-1"));
        var revoked = new List<Guid>();
        server.Services.GetRequiredService<MachineLifecycle>().KeyRevoked += (_, keyId) => revoked.Add(keyId);

        using var issued = await admin.PostAsync($"/api/machines/{id}/keys", null);
        issued.StatusCode.ShouldBe(HttpStatusCode.Created);
        var body = await issued.Content.ReadFromJsonAsync<JsonElement>();
        var key = body.GetProperty("key").GetString()!;
        var keyId = body.GetProperty("keyId").GetGuid();
        key.ShouldMatch("^cak_[0-9a-f]{64}$");

        var keys = await admin.GetFromJsonAsync<JsonElement[]>($"/api/machines/{id}/keys");
        keys!.Length.ShouldBe(2);
        keys.Count(k => k.TryGetProperty("key", out var secret)).ShouldBe(0);

        (await admin.DeleteAsync($"/api/machines/{id}/keys/{keyId}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        revoked.ShouldBe([keyId]);
        (await server.Services.GetRequiredService<MachineKeyStore>().AuthenticateAsync(key, CancellationToken.None)).ShouldBeNull();
        var after = await admin.GetFromJsonAsync<JsonElement[]>($"/api/machines/{id}/keys");
        after!.Single(k => k.GetProperty("keyId").GetGuid() == keyId).GetProperty("revokedAt").ValueKind.ShouldBe(JsonValueKind.String);
        using var wrongMachine = await admin.DeleteAsync($"/api/machines/{Guid.NewGuid()}/keys/{keyId}");
        await wrongMachine.ShouldBeProblemAsync(HttpStatusCode.NotFound, "KEY_NOT_FOUND");
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task List_pages_and_reports_online_and_viewers(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME-PHX");
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await server.Client.EnrollOkAsync(site.Enrollment($"uid-{i}", $"PC-{i}"))).MachineId);
        }

        var presence = server.Services.GetRequiredService<MachinePresence>();
        presence.Connected(ids[1]);
        presence.ViewerJoined(ids[1], new ActiveViewer("v1", "admin", server.Clock.GetUtcNow()));

        var page2 = await admin.GetFromJsonAsync<JsonElement>("/api/machines?page=2&pageSize=2");
        page2.GetProperty("total").GetInt64().ShouldBe(5);
        page2.GetProperty("page").GetInt32().ShouldBe(2);
        page2.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("hostname").GetString()).ShouldBe(["PC-2", "PC-3"]);

        var online = await admin.GetFromJsonAsync<JsonElement>("/api/machines?status=online");
        var item = online.GetProperty("items").EnumerateArray().Single();
        item.GetProperty("id").GetGuid().ShouldBe(ids[1]);
        item.GetProperty("online").GetBoolean().ShouldBeTrue();
        item.GetProperty("viewerCount").GetInt32().ShouldBe(1);
        item.GetProperty("activeViewers")[0].GetProperty("username").GetString().ShouldBe("admin");
        (await admin.GetFromJsonAsync<JsonElement>("/api/machines?status=offline")).GetProperty("total").GetInt64().ShouldBe(4);
        (await admin.GetFromJsonAsync<JsonElement>($"/api/machines?siteId={site.Id}")).GetProperty("total").GetInt64().ShouldBe(5);
        (await admin.GetAsync("/api/machines?status=sleeping")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }
}
