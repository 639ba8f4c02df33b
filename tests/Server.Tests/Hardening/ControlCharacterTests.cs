using System.Text;

namespace GuruConnect.Server.Tests.Hardening;

/// <summary>
/// NUL and other control characters in any text input are one 400 INVALID_REQUEST naming the
/// field, the same on both engines (PostgreSQL cannot store U+0000 and used to answer 500), and
/// nothing is stored. Passwords are exempt: they are hashed, never stored as text.
/// </summary>
public sealed class ControlCharacterTests
{
    public static TheoryData<DbKind, string> BothWithBadText()
    {
        var data = new TheoryData<DbKind, string>();
        foreach (var kind in new[] { DbKind.Sqlite, DbKind.Postgres })
        {
            data.Add(kind, "a\0b");
            data.Add(kind, "line\nbreak");
            data.Add(kind, "esc\u001b[31m");
            data.Add(kind, "del\u007f");
            data.Add(kind, "c1\u0085");
        }

        return data;
    }

    [Theory, MemberData(nameof(BothWithBadText))]
    public async Task Login_username_with_control_characters_is_400_naming_the_field(DbKind kind, string bad)
    {
        await using var server = await GuruServer.StartAsync(kind);

        using var response = await server.Client.PostAsJsonAsync("/api/auth/login", new { username = bad, password = "whatever-password" });

        await ShouldNameFieldAsync(response, "username");
        server.Logs.Text.ShouldNotContain("Unhandled exception");
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task An_escaped_lone_surrogate_is_400_naming_the_field(DbKind kind)
    {
        await using var server = await GuruServer.StartAsync(kind);
        using var content = new StringContent("{\"username\":\"a\\ud800b\",\"password\":\"whatever-password\"}", Encoding.UTF8, "application/json");

        using var response = await server.Client.PostAsync("/api/auth/login", content);

        await ShouldNameFieldAsync(response, "username");
    }

    [Theory, MemberData(nameof(BothWithBadText))]
    public async Task Every_enroll_field_with_control_characters_is_400_and_stores_nothing(DbKind kind, string bad)
    {
        await using var server = await GuruServer.StartAsync(kind);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("nul-site");
        var fields = new (string Field, object Body)[]
        {
            ("siteCode", new { siteCode = bad, enrollmentKey = site.Key, machineUid = "uid-1", hostname = "PC-01" }),
            ("enrollmentKey", new { siteCode = site.Code, enrollmentKey = bad, machineUid = "uid-1", hostname = "PC-01" }),
            ("machineUid", new { siteCode = site.Code, enrollmentKey = site.Key, machineUid = bad, hostname = "PC-01" }),
            ("hostname", new { siteCode = site.Code, enrollmentKey = site.Key, machineUid = "uid-1", hostname = bad }),
            ("labels.company", site.Enrollment("uid-1", labels: new { company = bad })),
            ("labels.site", site.Enrollment("uid-1", labels: new { site = bad })),
            ("labels.department", site.Enrollment("uid-1", labels: new { department = bad })),
            ("labels.deviceType", site.Enrollment("uid-1", labels: new { deviceType = bad })),
            ("labels.tags[1]", site.Enrollment("uid-1", labels: new { tags = new[] { "ok", bad } })),
        };

        foreach (var (field, body) in fields)
        {
            using var response = await server.Client.EnrollAsync(body);
            await ShouldNameFieldAsync(response, field);
        }

        (await server.CountRowsAsync("SELECT COUNT(*) FROM machines")).ShouldBe(0);
        server.Logs.Text.ShouldNotContain("Unhandled exception");
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Query_strings_with_control_characters_are_400_naming_the_parameter(DbKind kind)
    {
        await using var server = await GuruServer.StartAsync(kind);
        using var admin = await server.AdminClientAsync();

        foreach (var q in new[] { "%00", "a%00b", "%1B", "%0A", "%C2%85" })
        {
            using var response = await admin.GetAsync($"/api/machines?q={q}");
            await ShouldNameFieldAsync(response, "q");
        }

        using var audit = await admin.GetAsync("/api/events?type=%00");
        await ShouldNameFieldAsync(audit, "type");
        server.Logs.Text.ShouldNotContain("Unhandled exception");
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Other_text_inputs_refuse_control_characters_and_store_nothing(DbKind kind)
    {
        await using var server = await GuruServer.StartAsync(kind);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("site-a");
        var (machineId, _) = await server.EnrollAsync(site, "uid-a");
        const string bad = "x\0y";

        var cases = new (string Field, Func<Task<HttpResponseMessage>> Send)[]
        {
            ("note", () => admin.PostAsJsonAsync("/api/codes", new { note = bad })),
            ("username", () => admin.PostAsJsonAsync("/api/users", new { username = bad, password = "long-enough-password", role = "technician" })),
            ("name", () => admin.PostAsJsonAsync("/api/tokens", new { name = bad })),
            ("siteCode", () => admin.PostAsJsonAsync("/api/sites", new { siteCode = bad, displayName = "ok" })),
            ("displayName", () => admin.PostAsJsonAsync("/api/sites", new { siteCode = "ok-code", displayName = bad })),
            ("company", () => admin.PostAsJsonAsync("/api/sites", new { siteCode = "ok-code", displayName = "ok", company = bad })),
            ("displayName", () => admin.PatchAsJsonAsync($"/api/machines/{machineId}", new { displayName = bad })),
            ("tags[0]", () => admin.PatchAsJsonAsync($"/api/machines/{machineId}", new { tags = new[] { bad } })),
            ("ids[0]", () => admin.PostAsJsonAsync("/api/machines/bulk-delete", new { ids = new[] { bad } })),
        };

        foreach (var (field, send) in cases)
        {
            using var response = await send();
            await ShouldNameFieldAsync(response, field);
        }

        (await server.CountRowsAsync("SELECT COUNT(*) FROM support_codes")).ShouldBe(0);
        (await server.CountRowsAsync("SELECT COUNT(*) FROM users")).ShouldBe(1);
        (await server.CountRowsAsync("SELECT COUNT(*) FROM api_tokens")).ShouldBe(0);
        (await server.CountRowsAsync("SELECT COUNT(*) FROM sites")).ShouldBe(1);
        server.Logs.Text.ShouldNotContain("Unhandled exception");
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_password_may_hold_any_character_because_it_is_only_hashed(DbKind kind)
    {
        await using var server = await GuruServer.StartAsync(kind);
        using var admin = await server.AdminClientAsync();
        const string password = "tab\there-and-nul\0-too";

        using var created = await admin.PostAsJsonAsync("/api/users", new { username = "tabby", password, role = "technician" });
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        (await server.LoginAsync("tabby", password)).ShouldNotBeNullOrEmpty();
    }

    private static async Task ShouldNameFieldAsync(HttpResponseMessage response, string field)
    {
        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_REQUEST");
        var errors = problem.GetProperty("errors");
        errors.TryGetProperty(field, out _).ShouldBeTrue($"expected errors.{field} in {problem.GetRawText()}");
        Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync()).ShouldNotContain("\0");
    }
}
