using GuruConnect.Protocol.V1;

namespace GuruConnect.Server.Tests.Machines;

/// <summary>
/// AgentStatus.user_idle_seconds → the machine's <c>inventory.userIdleSince</c> (docs/api.md "Machines"):
/// fixed when the report arrives, null while the user is active, bounded for absurd values.
/// </summary>
public sealed class UserIdleTests
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task The_reported_idle_time_becomes_the_moment_the_user_went_idle_in_the_list_and_the_detail(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db, RelayWorld.ManualMaintenance);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME");
        var (id, key) = await server.EnrollAsync(site, "uid-1", "PC-IDLE");
        await using var agent = await FakeAgent.ConnectAsync(server, key, "uid-1", "PC-IDLE");
        var reportedAt = server.Clock.GetUtcNow();

        await agent.SendAsync(new Envelope { AgentStatus = new AgentStatus { OsName = "Linux", LoggedOnUser = "alice", UserIdleSeconds = 600 } });
        await agent.PingAsync();
        server.Clock.Advance(TimeSpan.FromSeconds(5));
        (await IdleSinceAsync(admin, id)).ShouldBe(reportedAt - TimeSpan.FromSeconds(600));
        var list = await admin.GetFromJsonAsync<JsonElement>("/api/machines?q=PC-IDLE");
        var summary = list.GetProperty("items").EnumerateArray().Single().GetProperty("inventory");
        summary.GetProperty("loggedOnUser").GetString().ShouldBe("alice");
        summary.GetProperty("userIdleSince").GetDateTimeOffset().ShouldBe(reportedAt - TimeSpan.FromSeconds(600));

        // A report that waits for the write interval keeps the moment it arrived, not the moment it is written.
        var secondAt = server.Clock.GetUtcNow();
        await agent.SendAsync(new Envelope { AgentStatus = new AgentStatus { OsName = "Linux", LoggedOnUser = "alice", UserIdleSeconds = 900 } });
        await agent.PingAsync();
        server.Clock.Advance(TimeSpan.FromSeconds(30));
        await server.Maintenance().RunOnceAsync(CancellationToken.None);
        (await IdleSinceAsync(admin, id)).ShouldBe(secondAt - TimeSpan.FromSeconds(900));

        // The user is back (under a minute idle): no idle-since. The next report, after the interval, is written at once.
        server.Clock.Advance(TimeSpan.FromSeconds(30));
        await agent.SendAsync(new Envelope { AgentStatus = new AgentStatus { OsName = "Linux", LoggedOnUser = "alice", UserIdleSeconds = 12 } });
        await agent.PingAsync();
        (await IdleSinceAsync(admin, id)).ShouldBeNull();

        // An absurd value (136 years) is bounded, never an error.
        server.Clock.Advance(TimeSpan.FromSeconds(30));
        var absurdAt = server.Clock.GetUtcNow();
        await agent.SendAsync(new Envelope { AgentStatus = new AgentStatus { OsName = "Linux", UserIdleSeconds = uint.MaxValue } });
        await agent.PingAsync();
        (await IdleSinceAsync(admin, id)).ShouldBe(absurdAt - TimeSpan.FromDays(366));
    }

    private static async Task<DateTimeOffset?> IdleSinceAsync(HttpClient admin, Guid id)
    {
        var idle = (await admin.GetFromJsonAsync<JsonElement>($"/api/machines/{id}")).GetProperty("inventory").GetProperty("userIdleSince");
        return idle.ValueKind == JsonValueKind.Null ? null : idle.GetDateTimeOffset();
    }
}
