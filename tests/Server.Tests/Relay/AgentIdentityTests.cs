using GuruConnect.Protocol.V1;

namespace GuruConnect.Server.Tests.Relay;

/// <summary>docs/security.md §8: on /ws/agent the machine is the key's; what AgentHello claims never re-points anything.</summary>
public sealed class AgentIdentityTests
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_claimed_machine_uid_never_re_points_another_machines_row_or_session(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME");
        var (a, keyA) = await server.EnrollAsync(site, "uid-a", "PC-A");
        var (b, _) = await server.EnrollAsync(site, "uid-b", "PC-B");

        // Machine A's key, claiming to be machine B.
        await using var agent = await FakeAgent.ConnectAsync(server, keyA, uid: "uid-b", hostname: "PC-A");
        await agent.SendAsync(new Envelope { AgentStatus = new AgentStatus { OsName = "Evil OS", LoggedOnUser = "mallory" } });
        await agent.PingAsync();

        server.Session(a).Agent.ShouldNotBeNull();
        server.Sessions().Find(b).ShouldBeNull();
        var machineA = await admin.GetFromJsonAsync<JsonElement>($"/api/machines/{a}");
        var machineB = await admin.GetFromJsonAsync<JsonElement>($"/api/machines/{b}");
        machineA.GetProperty("machineUid").GetString().ShouldBe("uid-a");
        machineA.GetProperty("online").GetBoolean().ShouldBeTrue();
        machineA.GetProperty("inventory").GetProperty("osName").GetString().ShouldBe("Evil OS");
        machineB.GetProperty("machineUid").GetString().ShouldBe("uid-b");
        machineB.GetProperty("hostname").GetString().ShouldBe("PC-B");
        machineB.GetProperty("online").GetBoolean().ShouldBeFalse();
        machineB.GetProperty("inventory").GetProperty("osName").ValueKind.ShouldBe(JsonValueKind.Null);
        machineB.GetProperty("lastSeen").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Hello_and_status_are_stored_with_the_connections_address_as_external_ip(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME");
        var (id, key) = await server.EnrollAsync(site, "uid-1", "OLD-NAME");
        await using var agent = await FakeAgent.ConnectAsync(server, key, "uid-1", "NEW-NAME");

        await agent.SendAsync(new Envelope
        {
            AgentStatus = new AgentStatus
            {
                OsName = "Ubuntu",
                OsVersion = "24.04",
                CpuModel = "Xeon",
                CpuCores = 8,
                RamBytes = 16UL << 30,
                PrivateIps = { "10.0.0.5" },
                Macs = { "aa:bb:cc:dd:ee:ff" },
                LoggedOnUser = "alice",
                TimeZone = "Europe/Berlin",
                IsAdmin = true,
            },
        });
        await agent.PingAsync();

        var machine = await admin.GetFromJsonAsync<JsonElement>($"/api/machines/{id}");
        machine.GetProperty("hostname").GetString().ShouldBe("NEW-NAME");
        machine.GetProperty("agentVersion").GetString().ShouldBe("1.2.3");
        machine.GetProperty("uidScope").GetString().ShouldBe("hardware");
        machine.GetProperty("lastSeen").GetDateTimeOffset().ShouldBe(server.Clock.GetUtcNow());
        var inventory = machine.GetProperty("inventory");
        inventory.GetProperty("osName").GetString().ShouldBe("Ubuntu");
        inventory.GetProperty("cpuCores").GetInt32().ShouldBe(8);
        inventory.GetProperty("ramBytes").GetInt64().ShouldBe(16L << 30);
        inventory.GetProperty("privateIps").EnumerateArray().Single().GetString().ShouldBe("10.0.0.5");
        inventory.GetProperty("externalIp").GetString().ShouldBe("127.0.0.1");
        inventory.GetProperty("loggedOnUser").GetString().ShouldBe("alice");
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_flood_of_status_reports_is_one_write_per_interval_and_the_last_report_is_kept(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db, RelayWorld.ManualMaintenance);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME");
        var (id, key) = await server.EnrollAsync(site, "uid-1");
        var agent = await FakeAgent.ConnectAsync(server, key, "uid-1");
        async Task<string?> StoredUserAsync() =>
            (await admin.GetFromJsonAsync<JsonElement>($"/api/machines/{id}")).GetProperty("inventory").GetProperty("loggedOnUser").GetString();

        for (var i = 0; i < 200; i++)
        {
            await agent.SendAsync(new Envelope { AgentStatus = new AgentStatus { OsName = "Linux", LoggedOnUser = $"user-{i}" } });
        }

        await agent.PingAsync(); // every report has been handled
        (await StoredUserAsync()).ShouldBe("user-0", "the first report is written at once, the rest wait for the interval");

        server.Clock.Advance(TimeSpan.FromSeconds(10));
        await server.Maintenance().RunOnceAsync(CancellationToken.None);
        (await StoredUserAsync()).ShouldBe("user-199");

        // A report still pending when the agent leaves is written then, not lost.
        await agent.SendAsync(new Envelope { AgentStatus = new AgentStatus { OsName = "Linux", LoggedOnUser = "last-one" } });
        await agent.PingAsync();
        await agent.Peer.CloseAsync();
        await agent.DisposeAsync();
        await Eventually.TrueAsync(async () => await StoredUserAsync() == "last-one", "the pending report is written when the agent leaves");
    }
}
