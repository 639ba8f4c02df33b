namespace GuruConnect.Server.Tests.SupportCodes;

/// <summary>docs/api.md "Attended support codes" and docs/security.md §14 (validate per IP, lockout after 10 failures for 15 min).</summary>
public sealed class SupportCodesApiTests
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_new_code_has_six_digits_lasts_30_minutes_and_validates(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var tech = await server.UserClientAsync("tech1", "technician");

        using var created = await tech.PostAsJsonAsync("/api/codes", new { note = "Jane at Acme, printer" });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var code = body.GetProperty("code").GetString()!;
        code.ShouldMatch("^[0-9]{6}$");
        body.GetProperty("expiresAt").GetDateTimeOffset().ShouldBe(server.Clock.GetUtcNow() + TimeSpan.FromMinutes(30), TimeSpan.FromSeconds(1));

        using var valid = await server.Client.ValidateAsync(code);
        valid.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await valid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("valid").GetBoolean().ShouldBeTrue();

        var listed = (await tech.GetFromJsonAsync<JsonElement[]>("/api/codes"))!.ShouldHaveSingleItem();
        listed.GetProperty("code").GetString().ShouldBe(code);
        listed.GetProperty("note").GetString().ShouldBe("Jane at Acme, printer");
        listed.GetProperty("createdBy").GetString().ShouldBe("tech1");

        server.Clock.Advance(TimeSpan.FromMinutes(30) + TimeSpan.FromSeconds(1));
        using var expired = await server.Client.ValidateAsync(code);
        await expired.ShouldBeProblemAsync(HttpStatusCode.NotFound, "CODE_INVALID");
        (await tech.LiveCodesAsync()).ShouldBeEmpty();
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Technicians_list_their_own_codes_and_admins_list_all(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        using var tech1 = await server.UserClientAsync("tech1", "technician");
        using var tech2 = await server.UserClientAsync("tech2", "technician");
        var first = await tech1.CreateCodeAsync();
        var second = await tech2.CreateCodeAsync();

        (await tech1.LiveCodesAsync()).ShouldBe([first]);
        (await tech2.LiveCodesAsync()).ShouldBe([second]);
        (await admin.LiveCodesAsync()).ShouldBe([first, second], ignoreOrder: true);
        (await server.Client.GetAsync("/api/codes")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await server.Client.PostAsJsonAsync("/api/codes", new { })).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_owner_or_an_admin_cancels_a_code_another_technician_cannot_even_learn_it_exists(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        using var owner = await server.UserClientAsync("tech1", "technician");
        using var other = await server.UserClientAsync("tech2", "technician");
        var mine = await owner.CreateCodeAsync();
        var forAdmin = await owner.CreateCodeAsync();

        using (var refused = await other.PostAsync($"/api/codes/{mine}/cancel", null))
        {
            await refused.ShouldBeProblemAsync(HttpStatusCode.NotFound, "CODE_INVALID"); // the same as no code at all
        }

        (await owner.PostAsync($"/api/codes/{mine}/cancel", null)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await admin.PostAsync($"/api/codes/{forAdmin}/cancel", null)).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        await (await server.Client.ValidateAsync(mine)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "CODE_INVALID");
        await (await owner.PostAsync($"/api/codes/{mine}/cancel", null)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "CODE_INVALID");
        await (await owner.PostAsync("/api/codes/not-a-code/cancel", null)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "CODE_INVALID");
        (await owner.LiveCodesAsync()).ShouldBeEmpty();
        (await admin.GetFromJsonAsync<JsonElement>("/api/events?type=support_code_cancelled")).GetProperty("total").GetInt64().ShouldBe(2);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Ten_wrong_codes_lock_the_ip_for_15_minutes_even_for_a_live_code(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var tech = await server.UserClientAsync("tech1", "technician");
        var code = await tech.CreateCodeAsync();
        for (var i = 0; i < 10; i++)
        {
            using var wrong = await server.Client.ValidateAsync(SupportCodeClient.WrongCode(code));
            await wrong.ShouldBeProblemAsync(HttpStatusCode.NotFound, "CODE_INVALID");
        }

        using (var locked = await server.Client.ValidateAsync(code))
        {
            await locked.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
            locked.Headers.RetryAfter!.Delta!.Value.TotalMinutes.ShouldBe(15, 0.1);
        }

        server.Clock.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1));
        (await server.Client.ValidateAsync(code)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Checking_a_live_code_one_holds_does_not_reset_the_failure_streak(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db, "--SupportCodes:ChecksPerMinute=100");
        using var tech = await server.UserClientAsync("tech1", "technician");
        var code = await tech.CreateCodeAsync();
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < 3; i++)
            {
                (await server.Client.ValidateAsync(SupportCodeClient.WrongCode(code))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
            }

            (await server.Client.ValidateAsync(code)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        // The tenth wrong guess locks, however many good checks came in between.
        (await server.Client.ValidateAsync(SupportCodeClient.WrongCode(code))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await server.Client.ValidateAsync(code)).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task An_ipv6_client_is_counted_by_its_64_prefix()
    {
        await using var server = await GuruServer.StartAsync(DbKind.Sqlite, "--Network:TrustedProxies:0=127.0.0.1");
        using var tech = await server.UserClientAsync("tech1", "technician");
        var code = await tech.CreateCodeAsync();
        for (var i = 1; i <= 10; i++)
        {
            (await server.Client.ValidateAsync(SupportCodeClient.WrongCode(code), forwardedFor: $"2001:db8:0:7::{i:x}")).Dispose();
        }

        (await server.Client.ValidateAsync(code, forwardedFor: "2001:db8:0:7:ffff::1")).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        (await server.Client.ValidateAsync(code, forwardedFor: "2001:db8:0:8::1")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Each_client_behind_a_trusted_proxy_has_its_own_lockout()
    {
        await using var server = await GuruServer.StartAsync(DbKind.Sqlite, "--Network:TrustedProxies:0=127.0.0.1");
        using var tech = await server.UserClientAsync("tech1", "technician");
        var code = await tech.CreateCodeAsync();
        for (var i = 0; i < 10; i++)
        {
            (await server.Client.ValidateAsync("999999" == code ? "999998" : "999999", forwardedFor: "203.0.113.7")).Dispose();
        }

        (await server.Client.ValidateAsync(code, forwardedFor: "203.0.113.7")).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        (await server.Client.ValidateAsync(code, forwardedFor: "203.0.113.8")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Code_checks_are_capped_at_ten_a_minute_per_client_whatever_their_answer()
    {
        // Parallel guesses all pass the window before any is counted as a failure, so the window (not
        // the failure streak) is what bounds a burst: it must not be wider than the lockout's ten.
        await using var server = await GuruServer.StartAsync(DbKind.Sqlite);
        using var tech = await server.UserClientAsync("tech1", "technician");
        var code = await tech.CreateCodeAsync();
        for (var i = 0; i < 10; i++)
        {
            (await server.Client.ValidateAsync(code)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        (await server.Client.ValidateAsync(code)).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        server.Clock.Advance(TimeSpan.FromMinutes(1));
        (await server.Client.ValidateAsync(code)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Malformed_codes_are_wrong_codes_and_count_toward_the_lockout(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db, "--SupportCodes:FailuresBeforeLockout=3");
        foreach (var malformed in new[] { "12345", "1234567", "abcdef" })
        {
            await (await server.Client.ValidateAsync(malformed)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "CODE_INVALID");
        }

        (await server.Client.ValidateAsync("123456")).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_user_holds_a_bounded_number_of_live_codes(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db, "--SupportCodes:MaxLiveCodesPerUser=2");
        using var tech = await server.UserClientAsync("tech1", "technician");
        var first = await tech.CreateCodeAsync();
        await tech.CreateCodeAsync();

        await (await tech.PostAsJsonAsync("/api/codes", new { })).ShouldBeProblemAsync(HttpStatusCode.Conflict, "TOO_MANY_CODES");

        (await tech.PostAsync($"/api/codes/{first}/cancel", null)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await tech.CreateCodeAsync();
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Live_codes_are_unique_and_the_database_refuses_a_duplicate(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db, "--SupportCodes:MaxLiveCodesPerUser=200");
        using var tech = await server.UserClientAsync("tech1", "technician");
        var codes = new List<string>();
        for (var i = 0; i < 150; i++)
        {
            codes.Add(await tech.CreateCodeAsync());
        }

        codes.Distinct().Count().ShouldBe(codes.Count);
        var duplicate = () => server.CountRowsAsync(
            """
            INSERT INTO support_codes (id, tenant_id, code, state, created_by, created_by_name, created_at, expires_at)
            SELECT @id, tenant_id, code, 'live', created_by, created_by_name, created_at, expires_at FROM support_codes WHERE code = @code
            """,
            new { id = Guid.NewGuid(), code = codes[0] });
        await Should.ThrowAsync<System.Data.Common.DbException>(duplicate);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Audit_records_the_code_by_id_never_its_digits(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        var code = await admin.CreateCodeAsync("Call back Bob");

        var events = await admin.GetFromJsonAsync<JsonElement>("/api/events?type=support_code_created");
        var row = events.GetProperty("items").EnumerateArray().ShouldHaveSingleItem();
        row.GetProperty("actor").GetString().ShouldBe("admin");
        var details = row.GetProperty("details");
        details.TryGetProperty("codeId", out _).ShouldBeTrue();
        details.EnumerateObject().ShouldAllBe(p => p.Value.ToString() != code && !p.Value.ToString().Contains("Bob"));
    }
}
