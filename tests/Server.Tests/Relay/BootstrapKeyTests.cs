using GuruConnect.Protocol.V1;

namespace GuruConnect.Server.Tests.Relay;

/// <summary>docs/protocol.md "Key provisioning": the deprecated shared bootstrap key and TOFU.</summary>
public sealed class BootstrapKeyTests
{
    private const string SharedKey = "legacy-shared-bootstrap-key-0123456789";

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Bootstrap_agent_gets_exactly_one_key_which_then_works_and_no_second_while_it_is_active(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db, $"--Relay:SharedAgentKey={SharedKey}");
        using var admin = await server.AdminClientAsync();

        string provisioned;
        await using (var first = await FakeAgent.ConnectAsync(server, SharedKey, "legacy-uid", "OLD-PC"))
        {
            await first.PingAsync();
            first.Peer.Count(Envelope.PayloadOneofCase.AgentKeyProvision).ShouldBe(1);
            provisioned = first.Peer.History.Single(e => e.PayloadCase == Envelope.PayloadOneofCase.AgentKeyProvision).AgentKeyProvision.Key;
            provisioned.ShouldMatch("^cak_[0-9a-f]{64}$");
        }

        var machine = (await admin.GetFromJsonAsync<JsonElement>("/api/machines?q=legacy-uid")).GetProperty("items").EnumerateArray().Single();
        var machineId = machine.GetProperty("id").GetGuid();
        machine.GetProperty("hostname").GetString().ShouldBe("OLD-PC");
        machine.GetProperty("site").ValueKind.ShouldBe(JsonValueKind.Null);
        (await admin.GetFromJsonAsync<JsonElement[]>($"/api/machines/{machineId}/keys"))!.Length.ShouldBe(1);

        // The provisioned key is a normal machine key now.
        await using (var reconnected = await FakeAgent.ConnectAsync(server, provisioned, "legacy-uid", "OLD-PC"))
        {
            server.Session(machineId).Agent.ShouldNotBeNull();
            reconnected.Peer.Count(Envelope.PayloadOneofCase.AgentKeyProvision).ShouldBe(0);
        }

        // A second bootstrap connect while that key is active is accepted but gets no key.
        await using (var again = await FakeAgent.ConnectAsync(server, SharedKey, "legacy-uid", "OLD-PC"))
        {
            again.Peer.Count(Envelope.PayloadOneofCase.AgentKeyProvision).ShouldBe(0);
        }

        (await admin.GetFromJsonAsync<JsonElement[]>($"/api/machines/{machineId}/keys"))!.Length.ShouldBe(1);
        (await admin.GetFromJsonAsync<JsonElement>("/api/events?type=machine_key_provisioned")).GetProperty("total").GetInt64().ShouldBe(1);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Concurrent_bootstrap_connects_of_one_machine_mint_one_key(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db, $"--Relay:SharedAgentKey={SharedKey}");
        using var admin = await server.AdminClientAsync();

        // Four sockets of one machine at once: each supersedes the one before, but only one may get a key.
        var peers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => FakeAgent.ConnectAsync(server, SharedKey, hello: false)));
        await Task.WhenAll(peers.Select(async agent =>
        {
            await agent.SendHelloAsync("legacy-uid", "OLD-PC");
            await agent.SendAsync(new Envelope { Ping = new Ping { Nonce = 7 } });
            // Answered (still attached) or closed (superseded meanwhile): either way its hello was handled.
            await agent.Peer.TryReceiveAsync(e => e.PayloadCase == Envelope.PayloadOneofCase.Pong, TimeSpan.FromSeconds(10));
        }));
        var keys = peers.Sum(a => a.Peer.Count(Envelope.PayloadOneofCase.AgentKeyProvision));
        foreach (var agent in peers)
        {
            await agent.DisposeAsync();
        }

        keys.ShouldBe(1);
        (await server.CountRowsAsync("SELECT COUNT(*) FROM machine_keys")).ShouldBe(1);
        (await server.CountRowsAsync("SELECT COUNT(*) FROM machines")).ShouldBe(1);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_shared_key_is_off_by_default_and_never_revives_a_removed_machine(DbKind db)
    {
        await using (var off = await GuruServer.StartAsync(db))
        {
            (await FakeAgent.RefusedAsync(off, SharedKey)).ShouldBe(HttpStatusCode.Unauthorized);
        }

        await using var server = await GuruServer.StartAsync(db, $"--Relay:SharedAgentKey={SharedKey}");
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME");
        var (id, _) = await server.EnrollAsync(site, "uid-1");
        (await admin.DeleteAsync($"/api/machines/{id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        await using var agent = await FakeAgent.ConnectAsync(server, SharedKey, hello: false);
        await agent.SendHelloAsync("uid-1", "PC-01");

        await agent.Peer.ShouldCloseWithinAsync(TimeSpan.FromSeconds(5));
        agent.Peer.History.ShouldContain(e => e.PayloadCase == Envelope.PayloadOneofCase.Disconnect && e.Disconnect.Reason == "removed");
        (await server.CountRowsAsync("SELECT COUNT(*) FROM machine_keys WHERE revoked_at IS NULL")).ShouldBe(0);
    }
}
