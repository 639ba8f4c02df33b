using GuruConnect.Server.Tests.SupportCodes;

namespace GuruConnect.Server.Tests.Hosting;

/// <summary>
/// docs/security.md "Credentials": no secret, hash or token is ever written to a log. The server runs with every
/// category at Trace, and each credential travels the way it does in production (bodies, headers,
/// query strings, paths); none of them may appear in what was logged.
/// </summary>
public sealed class SecretsInLogsTests
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task No_credential_reaches_the_log_even_at_trace_level(DbKind db)
    {
        await using var server = await GuruServer.StartAsync(db,
            "--Logging:LogLevel:Default=Trace", "--Logging:LogLevel:Microsoft=Trace", "--Logging:LogLevel:Microsoft.AspNetCore=Trace");
        var login = await server.LoginAsync();
        using var admin = server.CreateClient(login);
        var site = await admin.CreateSiteWithKeyAsync("ACME");
        var (machineId, machineKey) = await server.EnrollAsync(site, "uid-1");
        await using var agent = await FakeAgent.ConnectAsync(server, machineKey);

        using var tokenResponse = await admin.PostAsJsonAsync("/api/tokens", new { name = "ci", expiresInDays = 1 });
        tokenResponse.EnsureSuccessStatusCode();
        var apiToken = (await tokenResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        using var viaApiToken = server.CreateClient(apiToken);
        (await viaApiToken.GetAsync("/api/auth/me")).EnsureSuccessStatusCode();

        var viewerToken = await FakeViewer.TokenAsync(admin, machineId);
        await using (var viewer = await ProtocolPeer.ConnectAsync(FakeViewer.Endpoint(server, machineId.ToString(), viewerToken)))
        {
            await agent.ReceiveAsync(Protocol.V1.Envelope.PayloadOneofCase.ViewerJoined);
        }

        var code = await admin.CreateCodeAsync();
        (await server.Client.ValidateAsync(code)).EnsureSuccessStatusCode();
        await using (await FakeAgent.ConnectSupportAsync(server, code))
        {
        }

        (await server.Client.PostAsJsonAsync("/api/auth/login", new { username = "admin", password = "wrong-password-123" })).Dispose();

        server.Logs.Lines.Count.ShouldBeGreaterThan(50, "the server logged at trace level");
        var text = server.Logs.Text;
        foreach (var (what, secret) in new[]
        {
            ("admin password", GuruServer.AdminPassword), ("a wrong password", "wrong-password-123"), ("login token", login),
            ("site enrollment key", site.Key), ("machine key", machineKey), ("API token", apiToken),
            ("viewer token", viewerToken), ("support code", code),
        })
        {
            text.Contains(secret, StringComparison.Ordinal).ShouldBeFalse($"the {what} is in the log:\n{string.Join('\n', server.Logs.Lines.Where(l => l.Contains(secret, StringComparison.Ordinal)).Take(3))}");
        }
    }
}
