namespace GuruConnect.Server.Tests.Hardening;

/// <summary>A re-enroll leaves exactly one active key: the older ones are revoked, audited, and their sockets closed.</summary>
public sealed class ReenrollKeyTests
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Re_enrolling_revokes_the_older_keys_and_closes_their_sockets(DbKind kind)
    {
        await using var server = await GuruServer.StartAsync(kind);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME");
        var (machineId, first) = await server.EnrollAsync(site, "uid-1");
        await using var agent = await FakeAgent.ConnectAsync(server, first);

        var keys = new List<string> { first };
        for (var i = 0; i < 3; i++)
        {
            var (again, key) = await server.EnrollAsync(site, "uid-1");
            again.ShouldBe(machineId);
            keys.Add(key);
        }

        // The socket on the first key is closed, like any revoked key's (within 1 s once revoked).
        await agent.Peer.ShouldCloseWithinAsync(TimeSpan.FromSeconds(5));
        foreach (var old in keys[..^1])
        {
            (await FakeAgent.RefusedAsync(server, old)).ShouldBe(HttpStatusCode.Unauthorized);
        }

        await using var current = await FakeAgent.ConnectAsync(server, keys[^1]);
        var listed = await admin.GetFromJsonAsync<JsonElement>($"/api/machines/{machineId}/keys");
        var items = listed.ValueKind == JsonValueKind.Array ? listed : listed.GetProperty("items");
        items.EnumerateArray().Count(k => k.GetProperty("revokedAt").ValueKind == JsonValueKind.Null).ShouldBe(1);
        (await server.CountRowsAsync("SELECT COUNT(*) FROM machine_keys WHERE machine_id = @machineId AND revoked_at IS NULL", new { machineId })).ShouldBe(1);

        var events = await admin.GetFromJsonAsync<JsonElement>($"/api/events?type=machine_key_revoked&machineId={machineId}&pageSize=100");
        events.GetProperty("total").GetInt32().ShouldBe(3);
    }
}
