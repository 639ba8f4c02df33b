using System.Diagnostics;
using GuruConnect.Agent.Hosting;
using GuruConnect.Agent.Tests.Support;
using GuruConnect.Agent.Transport;
using GuruConnect.Protocol;

namespace GuruConnect.EndToEnd.Tests;

/// <summary>
/// The agent's transport (AgentLink / LinkConnection) hosted in-process against the real server on
/// both databases: hello and status, heartbeats, supersede, revoke, and reconnecting with backoff.
/// </summary>
public sealed class AgentLinkTests
{
    private const int Connected = 5200;
    private const int Reconnecting = 5202;
    private const int Silent = 5208;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Hello_and_status_put_the_machine_online_with_its_inventory(DbKind db)
    {
        await using var scenario = await AgentScenario.StartAsync(db);
        using var agent = new LinkHarness(scenario.Machine);
        var credentials = await agent.EnrollAsync();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);

        var link = agent.Link.RunAsync(credentials, stop.Token);
        var machine = await MachineAsync(scenario.Admin, m => Online(m) && m.GetProperty("inventory").GetProperty("loggedOnUser").GetString() == "alice", agent);

        machine.GetProperty("agentVersion").GetString().ShouldBe(AgentHost.Version);
        machine.GetProperty("hostname").GetString().ShouldBe(Environment.MachineName);
        machine.GetProperty("inventory").GetProperty("osName").GetString().ShouldBe("TestOS");
        machine.GetProperty("inventory").GetProperty("privateIps")[0].GetString().ShouldBe("10.0.0.5");
        await stop.CancelAsync();
        (await link.WaitAsync(Patience, Token)).ShouldBe(LinkOutcome.Stopped);
        await MachineAsync(scenario.Admin, m => !Online(m), agent);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Heartbeats_keep_the_link_up_past_the_silence_timeout_and_resend_changed_inventory(DbKind db)
    {
        // Every report written at once: the server otherwise keeps at most one per 10 s of its own clock.
        await using var scenario = await AgentScenario.StartAsync(db, serverSettings: "--Relay:InventoryInterval=00:00:00");
        var time = new ManualTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56));
        using var agent = new LinkHarness(scenario.Machine, time);
        var credentials = await agent.EnrollAsync();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var link = agent.Link.RunAsync(credentials, stop.Token);
        await MachineAsync(scenario.Admin, Online, agent);
        await Eventually.TrueAsync(() => time.NextDue() == ProtocolLimits.HeartbeatInterval, "the heartbeat timer is armed");

        // Four beats are 80 s on the agent's clock, past the 60 s silence limit: only the server's
        // pongs keep the line. Each beat also re-sends the inventory, because it changed.
        for (var beat = 1; beat <= 4; beat++)
        {
            var user = $"user{beat}";
            agent.Inventory.LoggedOnUser = user;
            time.Advance(ProtocolLimits.HeartbeatInterval);
            await MachineAsync(scenario.Admin, m => m.GetProperty("inventory").GetRawText().Contains(user, StringComparison.Ordinal), agent);
        }

        agent.Events.Of(Silent).ShouldBeEmpty(agent.Events.Text);
        agent.Events.Of(Connected).Count().ShouldBe(1, agent.Events.Text);
        link.IsCompleted.ShouldBeFalse();
        await stop.CancelAsync();
        await link.WaitAsync(Patience, Token);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_second_connection_with_the_same_key_supersedes_the_first(DbKind db)
    {
        await using var scenario = await AgentScenario.StartAsync(db);
        using var agent = new LinkHarness(scenario.Machine);
        var credentials = await agent.EnrollAsync();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        using var first = agent.Connector.Create(new LinkAuthentication.MachineKey(credentials), storeProvisionedKey: null);
        using var second = agent.Connector.Create(new LinkAuthentication.MachineKey(credentials), storeProvisionedKey: null);

        var firstRun = first.RunAsync(_ => Task.CompletedTask, stop.Token);
        await MachineAsync(scenario.Admin, Online, agent);
        var secondRun = second.RunAsync(_ => Task.CompletedTask, stop.Token);

        var end = await firstRun.WaitAsync(Patience, Token);
        end.Kind.ShouldBe(LinkEndKind.Superseded, end.Detail);
        secondRun.IsCompleted.ShouldBeFalse();
        await MachineAsync(scenario.Admin, Online, agent);
        await stop.CancelAsync();
        (await secondRun.WaitAsync(Patience, Token)).Kind.ShouldBe(LinkEndKind.Stopped);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Revoking_the_key_ends_the_link_with_key_rejected(DbKind db)
    {
        await using var scenario = await AgentScenario.StartAsync(db);
        using var agent = new LinkHarness(scenario.Machine, settings: Fast);
        var credentials = await agent.EnrollAsync();
        var link = agent.Link.RunAsync(credentials, Token);
        var id = (await MachineAsync(scenario.Admin, Online, agent)).GetProperty("id").GetGuid();

        var keys = await scenario.Admin.GetFromJsonAsync<JsonElement[]>($"/api/machines/{id}/keys");
        (await scenario.Admin.DeleteAsync($"/api/machines/{id}/keys/{keys![0].GetProperty("keyId").GetGuid()}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        (await link.WaitAsync(Patience, Token)).ShouldBe(LinkOutcome.KeyRejected, agent.Events.Text);
        agent.Events.Text.ShouldContain("refused this machine's key");
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_lost_server_is_retried_with_doubling_jittered_backoff_until_it_is_back(DbKind db)
    {
        await using var scenario = await AgentScenario.StartAsync(db);
        var settings = new LinkSettings { InitialBackoff = TimeSpan.FromMilliseconds(20), MaximumBackoff = TimeSpan.FromMilliseconds(160) };
        using var agent = new LinkHarness(scenario.Machine, settings: settings);
        var credentials = await agent.EnrollAsync();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var link = agent.Link.RunAsync(credentials, stop.Token);
        await MachineAsync(scenario.Admin, Online, agent);
        var address = scenario.Server.BaseAddress;

        await scenario.Server.StopAsync();
        await Eventually.TrueAsync(() => agent.Events.Of(Reconnecting).Count() >= 6, "six reconnect attempts");

        // Ceilings 20, 40, 80, 160, 160, 160 ms; the pinned jitter draws 3/4 of each.
        var delays = agent.Events.Of(Reconnecting).Take(6).Select(v => Math.Round((double)v["DelaySeconds"]!, 4)).ToArray();
        delays.ShouldBe([0.015, 0.03, 0.06, 0.12, 0.12, 0.12]);
        link.IsCompleted.ShouldBeFalse();

        await using var restarted = await GuruServer.StartOnAsync(scenario.Server.Database, scenario.Server.Clock, $"--urls={address.ToString().TrimEnd('/')}");
        using var admin = await restarted.AdminClientAsync();
        await MachineAsync(admin, Online, agent);
        await stop.CancelAsync();
        (await link.WaitAsync(Patience, Token)).ShouldBe(LinkOutcome.Stopped);
    }

    private static LinkSettings Fast { get; } = new() { InitialBackoff = TimeSpan.FromMilliseconds(50), MaximumBackoff = TimeSpan.FromMilliseconds(200) };

    private static bool Online(JsonElement machine) => machine.GetProperty("online").GetBoolean();

    private static async Task<JsonElement> MachineAsync(HttpClient admin, Func<JsonElement, bool> condition, LinkHarness agent)
    {
        var started = Stopwatch.GetTimestamp();
        JsonElement last = default;
        while (Stopwatch.GetElapsedTime(started) < Patience)
        {
            var page = await admin.GetFromJsonAsync<JsonElement>("/api/machines", Token);
            foreach (var machine in page.GetProperty("items").EnumerateArray())
            {
                last = machine;
                if (condition(machine))
                {
                    return machine;
                }
            }

            await Task.Delay(100, Token);
        }

        throw new ShouldAssertException($"Timed out; last machine: {last}. Agent log:\n{agent.Events.Text}");
    }
}
