using GuruConnect.Protocol.V1;

namespace GuruConnect.Server.Tests.Hardening;

/// <summary>
/// Agent-reported text over the agent socket (hello hostname and version, every <c>AgentStatus</c> string)
/// with U+0000 and other control characters: the socket stays open, the values are stored without them on
/// both engines (PostgreSQL used to refuse the write and log a stack trace, SQLite to store the NUL), and
/// nothing fails. Sanitised rather than closed: a machine with an odd hostname keeps working.
/// </summary>
public sealed class AgentReportedTextTests
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Control_characters_in_agent_reports_are_stripped_and_the_socket_stays_open(DbKind kind)
    {
        await using var server = await GuruServer.StartAsync(kind);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("NUL");
        var (machineId, key) = await server.EnrollAsync(site, "uid-nul", "PC-01");

        // Attached (the relay answered the Ping after the hello) rather than closed.
        await using var agent = await FakeAgent.ConnectAsync(server, key, "uid-nul", "PC\0-01\u0007\u009b");
        await agent.SendAsync(new Envelope
        {
            AgentStatus = new AgentStatus
            {
                OsName = "Linux\0",
                OsVersion = "6.1\u001b[31m",
                CpuModel = "\0\0\0",
                Manufacturer = "Acme\u0000Corp",
                Serial = "SN\u007f123",
                LoggedOnUser = "jane\0\r\n",
                TimeZone = "UTC\0",
                PrivateIps = { "10.0.0.5\0" },
                Macs = { "aa:bb:cc:dd:ee:ff\u0000" },
            },
        });
        await agent.PingAsync();
        agent.Peer.Closed.IsCompleted.ShouldBeFalse("the socket stays open");

        await using var connection = await server.Database.Open().OpenAsync(CancellationToken.None);
        var row = (IDictionary<string, object?>)await Dapper.SqlMapper.QuerySingleAsync(connection,
            "SELECT hostname, os_name, os_version, cpu_model, manufacturer, serial_number, logged_on_user, time_zone, private_ips, macs FROM machines WHERE id = @machineId",
            new { machineId });
        foreach (var (column, value) in row)
        {
            if (value is string text)
            {
                text.ShouldNotContain('\0', column);
                text.Any(char.IsControl).ShouldBeFalse(column);
            }
        }

        row["hostname"].ShouldBe("PC-01");
        row["os_name"].ShouldBe("Linux");
        row["manufacturer"].ShouldBe("AcmeCorp");
        row["logged_on_user"].ShouldBe("jane");
        row["cpu_model"].ShouldBeNull("nothing left is nothing stored");
        ((string)row["macs"]!).ShouldContain("aa:bb:cc:dd:ee:ff");
        server.Logs.Lines.ShouldNotContain(l => l.Contains("failed", StringComparison.OrdinalIgnoreCase));
    }
}
