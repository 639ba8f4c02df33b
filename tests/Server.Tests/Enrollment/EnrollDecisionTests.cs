using GuruConnect.Server.Machines;

namespace GuruConnect.Server.Tests.Enrollment;

/// <summary>Every row of the enrollment decision list of docs/api.md "Enrollment", against both databases.</summary>
public sealed class EnrollDecisionTests
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task First_enrollment_creates_the_machine_and_returns_its_key_once(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME-PHX");

        using var response = await server.Client.EnrollAsync(site.Enrollment("uid-1", "PC-07",
            new { company = "Acme", site = "Phoenix", department = "Front desk", deviceType = "workstation", tags = new[] { "kiosk" } }));

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("key").GetString()!.ShouldMatch("^cak_[0-9a-f]{64}$");
        body.GetProperty("enrollmentState").GetString().ShouldBe("active");
        body.GetProperty("disposition").GetString().ShouldBe("new");
        var machineId = body.GetProperty("machineId").GetGuid();

        var machine = await admin.GetFromJsonAsync<JsonElement>($"/api/machines/{machineId}");
        machine.GetProperty("hostname").GetString().ShouldBe("PC-07");
        machine.GetProperty("labels").GetProperty("department").GetString().ShouldBe("Front desk");
        machine.GetProperty("labels").GetProperty("deviceType").GetString().ShouldBe("workstation");
        machine.GetProperty("labels").GetProperty("tags")[0].GetString().ShouldBe("kiosk");
        machine.GetProperty("site").GetProperty("siteCode").GetString().ShouldBe("ACME-PHX");

        // Stored as SHA-256 only.
        (await server.CountRowsAsync("SELECT COUNT(*) FROM machine_keys WHERE key_hash = @k", new { k = body.GetProperty("key").GetString() })).ShouldBe(0);
        (await server.CountRowsAsync("SELECT COUNT(*) FROM machine_keys")).ShouldBe(1);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Re_enrolling_the_same_uid_at_the_same_site_reuses_the_row(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME-PHX");
        var (first, firstKey) = await server.Client.EnrollOkAsync(site.Enrollment("uid-1", "PC-07"));

        using var again = await server.Client.EnrollAsync(site.Enrollment("uid-1", "PC-07-renamed"));

        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await again.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("disposition").GetString().ShouldBe("reuse");
        body.GetProperty("machineId").GetGuid().ShouldBe(first);
        body.GetProperty("key").GetString().ShouldNotBe(firstKey);
        (await server.CountRowsAsync("SELECT COUNT(*) FROM machines")).ShouldBe(1);
        (await admin.GetFromJsonAsync<JsonElement>($"/api/machines/{first}")).GetProperty("hostname").GetString().ShouldBe("PC-07-renamed");
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_valid_key_for_another_site_with_a_bound_uid_is_409_and_changes_nothing(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        var siteA = await admin.CreateSiteWithKeyAsync("SITE-A");
        var siteB = await admin.CreateSiteWithKeyAsync("SITE-B");
        var (machineId, keyA) = await server.Client.EnrollOkAsync(siteA.Enrollment("uid-1", "PC-A", new { company = "A Corp" }));
        var before = await admin.GetFromJsonAsync<JsonElement>($"/api/machines/{machineId}");

        using var response = await server.Client.EnrollAsync(siteB.Enrollment("uid-1", "PC-B", new { company = "B Corp" }));

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Conflict, "ENROLL_SITE_CONFLICT");
        problem.GetRawText().ShouldNotContain("SITE-A");
        problem.TryGetProperty("key", out _).ShouldBeFalse();
        var after = await admin.GetFromJsonAsync<JsonElement>($"/api/machines/{machineId}");
        after.GetRawText().ShouldBe(before.GetRawText());
        (await server.CountRowsAsync("SELECT COUNT(*) FROM machine_keys")).ShouldBe(1);
        (await server.Services.GetRequiredService<MachineKeyStore>().AuthenticateAsync(keyA, CancellationToken.None)).ShouldNotBeNull();
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task An_online_row_and_a_different_hostname_is_a_collision_pending_approval(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME-PHX");
        var (machineId, _) = await server.Client.EnrollOkAsync(site.Enrollment("uid-1", "PC-ORIGINAL"));
        var presence = server.Services.GetRequiredService<MachinePresence>();
        presence.Connected(machineId); // the original is connected right now

        using var clone = await server.Client.EnrollAsync(site.Enrollment("uid-1", "PC-CLONE"));

        clone.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var body = await clone.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("enrollmentState").GetString().ShouldBe("pending");
        body.GetProperty("disposition").GetString().ShouldBe("collision_pending");
        body.TryGetProperty("key", out _).ShouldBeFalse();
        (await server.CountRowsAsync("SELECT COUNT(*) FROM machine_keys")).ShouldBe(1);

        // Still pending (no key) until an admin approves; an admin cannot issue a key either.
        (await server.Client.EnrollAsync(site.Enrollment("uid-1", "PC-CLONE"))).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await admin.PostAsync($"/api/machines/{machineId}/keys", null)).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var pending = await admin.GetFromJsonAsync<JsonElement>("/api/machines?status=pending");
        pending.GetProperty("total").GetInt64().ShouldBe(1);

        (await admin.PostAsync($"/api/machines/{machineId}/approve", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        presence.Disconnected(machineId);
        using var approved = await server.Client.EnrollAsync(site.Enrollment("uid-1", "PC-CLONE"));
        approved.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await approved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!.ShouldStartWith("cak_");
        var events = await admin.GetFromJsonAsync<JsonElement>("/api/events?type=machine_approved");
        events.GetProperty("total").GetInt64().ShouldBe(1);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_collision_with_a_connected_agent_parks_the_row_and_drops_the_live_socket(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME-PHX");
        var (machineId, key) = await server.Client.EnrollOkAsync(site.Enrollment("uid-1", "PC-ORIGINAL"));
        await using var original = await FakeAgent.ConnectAsync(server, key, "uid-1", "PC-ORIGINAL");
        await Eventually.TrueAsync(() => server.Services.GetRequiredService<MachinePresence>().IsOnline(machineId), "the original agent is online");

        using var clone = await server.Client.EnrollAsync(site.Enrollment("uid-1", "PC-CLONE"));

        clone.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await original.Peer.Closed.WaitAsync(TimeSpan.FromSeconds(5)); // closed (with or without a close frame)
        (await FakeAgent.RefusedAsync(server, key)).ShouldBe(HttpStatusCode.Forbidden);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task An_online_row_with_the_same_hostname_is_a_plain_reuse(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME-PHX");
        var (machineId, _) = await server.Client.EnrollOkAsync(site.Enrollment("uid-1", "PC-07"));
        server.Services.GetRequiredService<MachinePresence>().Connected(machineId);

        using var again = await server.Client.EnrollAsync(site.Enrollment("uid-1", "pc-07"));
        again.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Labels_omitted_on_reuse_keep_the_stored_labels_and_sent_ones_replace_them(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME-PHX");
        var (machineId, _) = await server.Client.EnrollOkAsync(site.Enrollment("uid-1", "PC-07",
            new { company = "Acme", site = "Phoenix", department = "Front desk", deviceType = "workstation", tags = new[] { "kiosk" } }));

        await server.Client.EnrollOkAsync(site.Enrollment("uid-1", "PC-07"));
        var kept = (await admin.GetFromJsonAsync<JsonElement>($"/api/machines/{machineId}")).GetProperty("labels");
        kept.GetProperty("company").GetString().ShouldBe("Acme");
        kept.GetProperty("department").GetString().ShouldBe("Front desk");
        kept.GetProperty("tags")[0].GetString().ShouldBe("kiosk");

        // The installer's config carries empty strings for unset labels: they do not wipe either.
        await server.Client.EnrollOkAsync(site.Enrollment("uid-1", "PC-07", new { company = "", department = "Billing", tags = Array.Empty<string>() }));
        var merged = (await admin.GetFromJsonAsync<JsonElement>($"/api/machines/{machineId}")).GetProperty("labels");
        merged.GetProperty("company").GetString().ShouldBe("Acme");
        merged.GetProperty("department").GetString().ShouldBe("Billing");
        merged.GetProperty("tags")[0].GetString().ShouldBe("kiosk");
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_removed_machine_re_enrolling_is_revived(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME-PHX");
        var (machineId, oldKey) = await server.Client.EnrollOkAsync(site.Enrollment("uid-1", "PC-07"));
        (await admin.DeleteAsync($"/api/machines/{machineId}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await admin.GetAsync($"/api/machines/{machineId}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        using var revived = await server.Client.EnrollAsync(site.Enrollment("uid-1", "PC-07"));

        revived.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await revived.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("machineId").GetGuid().ShouldBe(machineId);
        (await admin.GetAsync($"/api/machines/{machineId}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await server.CountRowsAsync("SELECT COUNT(*) FROM machines")).ShouldBe(1);
        // The key revoked by the removal does not come back with the row.
        (await server.Services.GetRequiredService<MachineKeyStore>().AuthenticateAsync(oldKey, CancellationToken.None)).ShouldBeNull();
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_legacy_row_without_a_site_is_reused_and_bound(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME-PHX");
        var legacyId = Guid.NewGuid();
        await using (var connection = await server.Database.Open().OpenAsync(CancellationToken.None))
        {
            await Dapper.SqlMapper.ExecuteAsync(connection,
                "INSERT INTO machines (id, tenant_id, machine_uid, hostname, created_at, updated_at) VALUES (@id, @tenant, 'uid-legacy', 'OLD-PC', @now, @now)",
                new { id = legacyId, tenant = GuruConnect.Server.Data.Tenants.Default, now = server.Clock.GetUtcNow() });
        }

        var (machineId, _) = await server.Client.EnrollOkAsync(site.Enrollment("uid-legacy", "OLD-PC"));

        machineId.ShouldBe(legacyId);
        (await admin.GetFromJsonAsync<JsonElement>($"/api/machines/{legacyId}")).GetProperty("site").GetProperty("id").GetGuid().ShouldBe(site.Id);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_rotated_out_key_is_rejected_while_machines_enrolled_with_it_keep_their_keys(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME-PHX");
        var (_, machineKey) = await server.Client.EnrollOkAsync(site.Enrollment("uid-1", "PC-01"));

        var newKey = await admin.RotateKeyAsync(site.Id);

        using var old = await server.Client.EnrollAsync(site.Enrollment("uid-2", "PC-02"));
        await old.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "ENROLL_REJECTED");
        (await server.Services.GetRequiredService<MachineKeyStore>().AuthenticateAsync(machineKey, CancellationToken.None)).ShouldNotBeNull();
        (await server.Client.EnrollOkAsync(site.Enrollment("uid-2", "PC-02", key: newKey))).Key.ShouldStartWith("cak_");
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Unknown_site_no_active_key_and_wrong_key_give_one_identical_401_each_paying_one_argon2_verify(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME-PHX");
        using (var keyless = await admin.PostAsJsonAsync("/api/sites", new { siteCode = "NO-KEY" }))
        {
            keyless.StatusCode.ShouldBe(HttpStatusCode.Created);
        }

        var argon2 = server.Services.GetRequiredService<GuruConnect.Server.Auth.Argon2id>();
        var wrongKey = "cek_" + new string('0', 64);
        var bodies = new List<string>();
        foreach (var request in new[]
        {
            new { siteCode = "NOPE", enrollmentKey = site.Key, machineUid = "u", hostname = "h" },
            new { siteCode = "NO-KEY", enrollmentKey = site.Key, machineUid = "u", hostname = "h" },
            new { siteCode = "ACME-PHX", enrollmentKey = wrongKey, machineUid = "u", hostname = "h" },
        })
        {
            var before = argon2.Verifications;
            using var response = await server.Client.EnrollAsync(request);
            (argon2.Verifications - before).ShouldBe(1, $"{request.siteCode} must pay exactly one Argon2id verification");
            await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "ENROLL_REJECTED");
            bodies.Add(await response.BodyWithoutTraceIdAsync());
        }

        bodies.Distinct().Count().ShouldBe(1);
        var events = await admin.GetFromJsonAsync<JsonElement>("/api/events?type=enroll_rejected");
        var reasons = events.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("details").GetProperty("reason").GetString()).ToList();
        reasons.ShouldBe(["wrong_key", "no_active_key", "unknown_site"], ignoreOrder: true);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Every_outcome_is_audited_without_key_material(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        var a = await admin.CreateSiteWithKeyAsync("SITE-A");
        var b = await admin.CreateSiteWithKeyAsync("SITE-B");
        var (machineId, cak) = await server.Client.EnrollOkAsync(a.Enrollment("uid-1", "PC-1"));
        await server.Client.EnrollOkAsync(a.Enrollment("uid-1", "PC-1"));
        (await server.Client.EnrollAsync(b.Enrollment("uid-1", "PC-1"))).Dispose();
        server.Services.GetRequiredService<MachinePresence>().Connected(machineId);
        (await server.Client.EnrollAsync(a.Enrollment("uid-1", "PC-2"))).Dispose();
        (await server.Client.EnrollAsync(a.Enrollment("uid-9", "PC-9", key: "cek_" + new string('1', 64)))).Dispose();

        var events = await admin.GetFromJsonAsync<JsonElement>("/api/events?pageSize=200");
        var types = events.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToHashSet();
        foreach (var expected in new[] { "enroll_new", "enroll_reuse", "enroll_site_conflict", "enroll_collision_pending", "enroll_rejected", "enrollment_key_rotated", "site_created" })
        {
            types.ShouldContain(expected);
        }

        var raw = events.GetRawText();
        raw.ShouldNotContain(a.Key);
        raw.ShouldNotContain(b.Key);
        raw.ShouldNotContain(cak);
        raw.ShouldNotContain("cek_");
        raw.ShouldNotContain("cak_");
        var newEvent = events.GetProperty("items").EnumerateArray().First(e => e.GetProperty("type").GetString() == "enroll_new");
        newEvent.GetProperty("machineId").GetGuid().ShouldBe(machineId);
        newEvent.GetProperty("ip").GetString().ShouldBe("127.0.0.1");
        newEvent.GetProperty("details").GetProperty("siteCode").GetString().ShouldBe("SITE-A");
    }

    [Theory]
    [InlineData("{\"siteCode\":\"\",\"enrollmentKey\":\"k\",\"machineUid\":\"u\",\"hostname\":\"h\"}", "siteCode")]
    [InlineData("{\"siteCode\":\"S\",\"enrollmentKey\":\"  \",\"machineUid\":\"u\",\"hostname\":\"h\"}", "enrollmentKey")]
    [InlineData("{\"siteCode\":\"S\",\"enrollmentKey\":\"k\",\"hostname\":\"h\"}", "machineUid")]
    [InlineData("{\"siteCode\":\"S\",\"enrollmentKey\":\"k\",\"machineUid\":\"u\"}", "hostname")]
    public async Task Missing_or_blank_fields_are_400_INVALID_REQUEST(string json, string field)
    {
        await using var server = await GuruServer.StartAsync(DbKind.Sqlite);
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await server.Client.PostAsync("/api/enroll", content);
        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_REQUEST");
        problem.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue();
    }

    [Fact]
    public async Task Lengths_are_bounded()
    {
        await using var server = await GuruServer.StartAsync(DbKind.Sqlite);
        var tooManyTags = Enumerable.Range(0, 33).Select(i => "t" + i).ToArray();
        (await server.Client.EnrollAsync(new { siteCode = "S", enrollmentKey = "k", machineUid = new string('u', 129), hostname = "h" })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await server.Client.EnrollAsync(new { siteCode = "S", enrollmentKey = "k", machineUid = "u", hostname = new string('h', 256) })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await server.Client.EnrollAsync(new { siteCode = "S", enrollmentKey = "k", machineUid = "u", hostname = "h", labels = new { tags = tooManyTags } })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await server.Client.EnrollAsync(new { siteCode = "S", enrollmentKey = "k", machineUid = "u", hostname = "h", labels = new { tags = new[] { new string('t', 65) } } })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }
}
