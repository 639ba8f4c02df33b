using GuruConnect.Server.Auth;

namespace GuruConnect.Server.Tests.Hardening;

/// <summary>Only viewer tokens the server issued, and only once: a correctly signed token with a jti it never issued is refused.</summary>
public sealed class ViewerTokenIssuanceTests
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task A_correctly_signed_viewer_token_the_server_never_issued_is_refused(DbKind kind)
    {
        await using var server = await GuruServer.StartAsync(kind);
        using var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME");
        var (machineId, key) = await server.EnrollAsync(site, "uid-1");
        await using var agent = await FakeAgent.ConnectAsync(server, key);
        var session = machineId.ToString();
        var adminId = (await admin.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("id").GetGuid();

        // Everything right — signature, purpose, subject, session, lifetime — except that no one minted it here.
        var forged = server.Services.GetRequiredService<TokenService>().Issue(TokenPurpose.Viewer, TimeSpan.FromMinutes(5),
            new Dictionary<string, object> { ["sub"] = adminId.ToString(), ["name"] = "admin", ["sid"] = session });
        (await FakeViewer.RefusedAsync(server, session, forged.Token)).ShouldBe(HttpStatusCode.Unauthorized);

        // An issued token works once, then is refused.
        var issued = await FakeViewer.TokenAsync(admin, machineId);
        await using (var viewer = await ProtocolPeer.ConnectAsync(FakeViewer.Endpoint(server, session, issued)))
        {
        }

        (await FakeViewer.RefusedAsync(server, session, issued)).ShouldBe(HttpStatusCode.Unauthorized);
    }
}
