namespace GuruConnect.Server.Tests.Enrollment;

public sealed class EnrollConcurrencyTests
{
    public static TheoryData<DbKind, int> Cases => new()
    {
        { DbKind.Sqlite, 2 },
        { DbKind.Sqlite, 20 },
        { DbKind.Postgres, 2 },
        { DbKind.Postgres, 20 },
    };

    [Theory, MemberData(nameof(Cases))]
    public async Task Concurrent_first_enrollments_of_one_uid_converge_on_one_row_and_all_succeed(DbKind db, int concurrent)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME-PHX");
        using var gate = new SemaphoreSlim(0);

        var attempts = Enumerable.Range(0, concurrent).Select(async _ =>
        {
            await gate.WaitAsync();
            using var response = await server.Client.EnrollAsync(site.Enrollment("same-uid", "PC-07"));
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }).ToList();
        gate.Release(concurrent);
        var results = await Task.WhenAll(attempts);

        results.ShouldAllBe(r => r.StatusCode == HttpStatusCode.Created || r.StatusCode == HttpStatusCode.OK);
        results.Count(r => r.StatusCode == HttpStatusCode.Created).ShouldBe(1);
        results.Select(r => JsonSerializer.Deserialize<JsonElement>(r.Body).GetProperty("machineId").GetGuid()).Distinct().Count().ShouldBe(1);
        (await server.CountRowsAsync("SELECT COUNT(*) FROM machines")).ShouldBe(1);
    }
}
