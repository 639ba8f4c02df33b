using System.Diagnostics;

namespace GuruConnect.EndToEnd.Tests;

/// <summary>Issue 5 acceptance 3: the real agent process against the real server, on both databases.</summary>
public sealed class AgentLifecycleTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    private static async Task<JsonElement> WaitForMachineAsync(HttpClient admin, Func<JsonElement, bool> condition, AgentProcess agent, string what)
    {
        var started = Stopwatch.GetTimestamp();
        JsonElement last = default;
        while (Stopwatch.GetElapsedTime(started) < Patience)
        {
            var page = await admin.GetFromJsonAsync<JsonElement>("/api/machines?pageSize=50");
            foreach (var machine in page.GetProperty("items").EnumerateArray())
            {
                last = machine;
                if (condition(machine))
                {
                    return machine;
                }
            }

            await Task.Delay(200);
        }

        throw new ShouldAssertException($"Timed out waiting for: {what}. Last machine: {last}. Agent output:\n{agent.Output}");
    }

    private static bool Online(JsonElement machine) => machine.GetProperty("online").GetBoolean();

    private static bool Offline(JsonElement machine) => !machine.GetProperty("online").GetBoolean();

    private static async Task<long> EventsAsync(HttpClient admin, string type) =>
        (await admin.GetFromJsonAsync<JsonElement>($"/api/events?type={type}")).GetProperty("total").GetInt64();

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Enrolls_appears_online_with_inventory_and_a_restart_reuses_the_key(DbKind db)
    {
        await using var scenario = await AgentScenario.StartAsync(db);
        var (server, admin, site, machine, agent) = (scenario.Server, scenario.Admin, scenario.Site, scenario.Machine, scenario.Agent);

        agent.Start("run");
        // Hello marks it online; the inventory (AgentStatus) lands a moment later.
        var online = await WaitForMachineAsync(
            admin, m => Online(m) && m.GetProperty("inventory").GetProperty("osName").ValueKind == JsonValueKind.String, agent, "the agent online with inventory");

        online.GetProperty("labels").GetProperty("company").GetString().ShouldBe("Acme");
        online.GetProperty("agentVersion").GetString().ShouldNotBeNullOrEmpty();
        online.GetProperty("inventory").GetProperty("osName").GetString().ShouldNotBeNullOrEmpty();
        online.GetProperty("inventory").GetProperty("externalIp").GetString().ShouldBe("127.0.0.1");
        File.ReadAllText(machine.ConfigPath).ShouldNotContain("enrollmentKey");
        File.ReadAllText(machine.ConfigPath).ShouldNotContain(site.Key);
        (await EventsAsync(admin, "enroll_new")).ShouldBe(1);

        await agent.StopAsync();
        await WaitForMachineAsync(admin, Offline, agent, "the agent offline after stop");
        agent.Start("run");
        await WaitForMachineAsync(admin, Online, agent, "the agent online again");

        (await EventsAsync(admin, "enroll_new")).ShouldBe(1);
        (await EventsAsync(admin, "enroll_reuse")).ShouldBe(0);
        (await admin.GetFromJsonAsync<JsonElement>("/api/machines")).GetProperty("total").GetInt64().ShouldBe(1);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_revoked_key_makes_the_agent_enroll_again_when_an_enrollment_key_is_left(DbKind db)
    {
        await using var scenario = await AgentScenario.StartAsync(db);
        var (server, admin, site, machine, agent) = (scenario.Server, scenario.Admin, scenario.Site, scenario.Machine, scenario.Agent);
        agent.Start("run");
        var online = await WaitForMachineAsync(admin, Online, agent, "the agent online");
        var id = online.GetProperty("id").GetGuid();
        machine.PutEnrollmentKeyBack(site.Key); // the test keeps the site key on the machine

        var keys = await admin.GetFromJsonAsync<JsonElement[]>($"/api/machines/{id}/keys");
        (await admin.DeleteAsync($"/api/machines/{id}/keys/{keys![0].GetProperty("keyId").GetGuid()}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        var started = Stopwatch.GetTimestamp();
        while (await EventsAsync(admin, "enroll_reuse") == 0 && Stopwatch.GetElapsedTime(started) < Patience)
        {
            await Task.Delay(200);
        }

        (await EventsAsync(admin, "enroll_reuse")).ShouldBe(1, agent.Output);
        await WaitForMachineAsync(admin, Online, agent, "the agent online with its new key");
        var after = await admin.GetFromJsonAsync<JsonElement[]>($"/api/machines/{id}/keys");
        after!.Length.ShouldBe(2);
        after.Count(k => k.GetProperty("revokedAt").ValueKind == JsonValueKind.Null).ShouldBe(1);
        agent.Output.ShouldContain("refused this machine's key");
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_revoked_key_without_an_enrollment_key_stops_with_the_documented_message(DbKind db)
    {
        await using var scenario = await AgentScenario.StartAsync(db);
        var (server, admin, site, machine, agent) = (scenario.Server, scenario.Admin, scenario.Site, scenario.Machine, scenario.Agent);
        agent.Start("run");
        var id = (await WaitForMachineAsync(admin, Online, agent, "the agent online")).GetProperty("id").GetGuid();

        var keys = await admin.GetFromJsonAsync<JsonElement[]>($"/api/machines/{id}/keys");
        (await admin.DeleteAsync($"/api/machines/{id}/keys/{keys![0].GetProperty("keyId").GetGuid()}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        var started = Stopwatch.GetTimestamp();
        while (!agent.Output.Contains("Cannot enroll again", StringComparison.Ordinal) && Stopwatch.GetElapsedTime(started) < Patience)
        {
            await Task.Delay(200);
        }

        agent.Output.ShouldContain("Cannot enroll again");
        agent.Output.ShouldContain("enrollmentKey");
        await WaitForMachineAsync(admin, Offline, agent, "the agent offline");
        (await EventsAsync(admin, "enroll_reuse")).ShouldBe(0);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Rotating_the_site_key_leaves_the_running_agent_alone(DbKind db)
    {
        await using var scenario = await AgentScenario.StartAsync(db);
        var (server, admin, site, machine, agent) = (scenario.Server, scenario.Admin, scenario.Site, scenario.Machine, scenario.Agent);
        agent.Start("run");
        await WaitForMachineAsync(admin, Online, agent, "the agent online");

        await admin.RotateKeyAsync(site.Id);
        await Task.Delay(TimeSpan.FromSeconds(2));
        await WaitForMachineAsync(admin, Online, agent, "still online after rotation");

        // And it reconnects with its own key after a restart: the site key is not needed any more.
        await agent.StopAsync();
        await WaitForMachineAsync(admin, Offline, agent, "offline after stop");
        agent.Start("run");
        await WaitForMachineAsync(admin, Online, agent, "online again after rotation and restart");
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Reinstalling_on_the_same_machine_keeps_one_row(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME-PHX");
        using var machine = new FakeMachine();
        machine.WriteConfig(server.BaseAddress, site);
        await using var first = new AgentProcess(machine);
        first.Start("run");
        await WaitForMachineAsync(admin, Online, first, "the first install online");
        await first.StopAsync();
        // Until the server notices the first install is gone, "online" below would still mean it.
        await WaitForMachineAsync(admin, Offline, first, "the first install offline");

        // Wipe the agent's state (a re-image) and run the installer again on the same hardware.
        machine.WriteConfig(server.BaseAddress, site);
        await using var second = new AgentProcess(machine);
        second.Start("run");
        await WaitForMachineAsync(admin, Online, second, "the reinstall online");

        (await admin.GetFromJsonAsync<JsonElement>("/api/machines")).GetProperty("total").GetInt64().ShouldBe(1);
        (await EventsAsync(admin, "enroll_reuse")).ShouldBe(1);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Status_shows_server_site_fingerprint_machine_and_state(DbKind db)
    {
        // The installer writes the site key's real label; the agent refuses a config whose label lies.
        await using var scenario = await AgentScenario.StartAsync(db);
        var (server, admin, agent) = (scenario.Server, scenario.Admin, scenario.Agent);
        agent.Start("run");
        var id = (await WaitForMachineAsync(admin, Online, agent, "the agent online")).GetProperty("id").GetGuid();

        var (exit, output) = await agent.RunToEndAsync("status");

        exit.ShouldBe(0, output);
        output.ShouldContain(server.BaseAddress.ToString().TrimEnd('/'));
        output.ShouldContain("ACME-PHX");
        output.ShouldContain($"v1 ({GuruConnect.Protocol.KeyFingerprint.Of(scenario.Site.Key)})");
        output.ShouldContain(id.ToString());
        output.ShouldContain("connected");
    }
}
