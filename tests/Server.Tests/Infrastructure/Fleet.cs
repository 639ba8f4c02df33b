namespace GuruConnect.Server.Tests.Infrastructure;

/// <summary>Site and enrollment helpers over the real REST API.</summary>
public static class Fleet
{
    public sealed record Site(Guid Id, string Code, string Key);

    public static async Task<Site> CreateSiteWithKeyAsync(this HttpClient admin, string code)
    {
        using var created = await admin.PostAsJsonAsync("/api/sites", new { siteCode = code, displayName = code + " office" });
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        return new Site(id, code, await admin.RotateKeyAsync(id));
    }

    public static async Task<string> RotateKeyAsync(this HttpClient admin, Guid siteId)
    {
        using var rotated = await admin.PostAsync($"/api/sites/{siteId}/enrollment-key/rotate", null);
        rotated.StatusCode.ShouldBe(HttpStatusCode.Created);
        return (await rotated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
    }

    public static object Enrollment(this Site site, string uid, string hostname = "PC-01", object? labels = null, string? key = null) =>
        new { siteCode = site.Code, enrollmentKey = key ?? site.Key, machineUid = uid, hostname, labels };

    public static Task<HttpResponseMessage> EnrollAsync(this HttpClient client, object body) => client.PostAsJsonAsync("/api/enroll", body);

    /// <summary>Enrolls and returns (machineId, key); fails the test unless the status is 200/201.</summary>
    public static async Task<(Guid MachineId, string Key)> EnrollOkAsync(this HttpClient client, object body)
    {
        using var response = await client.EnrollAsync(body);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBeOneOf([HttpStatusCode.Created, HttpStatusCode.OK], text);
        var json = JsonSerializer.Deserialize<JsonElement>(text);
        return (json.GetProperty("machineId").GetGuid(), json.GetProperty("key").GetString()!);
    }

    public static async Task<long> CountRowsAsync(this GuruServer server, string sql, object? parameters = null)
    {
        await using var connection = await server.Database.Open().OpenAsync(CancellationToken.None);
        return await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection, sql, parameters);
    }
}
