namespace GuruConnect.Server.Tests.Hardening;

/// <summary>New usernames come from a documented safe set; a user created before the rule keeps working.</summary>
public sealed class UsernameRulesTests
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Usernames_outside_the_safe_set_are_400_and_ones_inside_it_are_created(DbKind kind)
    {
        await using var server = await GuruServer.StartAsync(kind);
        using var admin = await server.AdminClientAsync();

        foreach (var bad in new[] { "../../etc", "a/b", "a\\b", "-leading", ".leading", "has space", "<script>", "ünïcode", "semi;colon", new string('a', 65) })
        {
            using var response = await admin.PostAsJsonAsync("/api/users", new { username = bad, password = "long-enough-password", role = "technician" });
            var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_REQUEST");
            problem.GetProperty("errors").TryGetProperty("username", out _).ShouldBeTrue(bad);
        }

        foreach (var good in new[] { "first.last@example.com", "tech_1", "a-b", "X", new string('a', 64) })
        {
            using var response = await admin.PostAsJsonAsync("/api/users", new { username = good, password = "long-enough-password", role = "technician" });
            response.StatusCode.ShouldBe(HttpStatusCode.Created, good);
        }

        (await server.CountRowsAsync("SELECT COUNT(*) FROM users")).ShouldBe(6);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_user_named_before_the_rule_can_still_log_in_and_be_changed(DbKind kind)
    {
        await using var server = await GuruServer.StartAsync(kind);
        using var admin = await server.AdminClientAsync();
        using var created = await admin.PostAsJsonAsync("/api/users", new { username = "legacy", password = "long-enough-password", role = "technician" });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        // As an older release could have stored it.
        await using (var connection = await server.Database.Open().OpenAsync(CancellationToken.None))
        {
            await Dapper.SqlMapper.ExecuteAsync(connection, "UPDATE users SET username = @name WHERE id = @id", new { name = "Jürgen Müller", id });
        }

        (await server.LoginAsync("Jürgen Müller", "long-enough-password")).ShouldNotBeNullOrEmpty();
        using var promoted = await admin.PatchAsJsonAsync($"/api/users/{id}", new { role = "admin" });
        promoted.StatusCode.ShouldBe(HttpStatusCode.OK, await promoted.Content.ReadAsStringAsync());
    }
}
