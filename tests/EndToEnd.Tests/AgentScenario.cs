namespace GuruConnect.EndToEnd.Tests;

/// <summary>
/// A server on a fresh database, an admin client, site ACME-PHX with its key, and one fake machine
/// whose site config points at the server: the set-up every agent end-to-end test starts from.
/// </summary>
internal sealed class AgentScenario : IAsyncDisposable
{
    private AgentScenario(GuruServer server, HttpClient admin, Fleet.Site site, FakeMachine machine)
    {
        Server = server;
        Admin = admin;
        Site = site;
        Machine = machine;
        Agent = new AgentProcess(machine);
    }

    public GuruServer Server { get; }

    public HttpClient Admin { get; }

    public Fleet.Site Site { get; }

    public FakeMachine Machine { get; }

    public AgentProcess Agent { get; }

    public static async Task<AgentScenario> StartAsync(DbKind db, string? fingerprintLabel = null, params string[] serverSettings)
    {
        var server = await GuruServer.StartAsync(db, serverSettings);
        var admin = await server.AdminClientAsync();
        var site = await admin.CreateSiteWithKeyAsync("ACME-PHX");
        var machine = new FakeMachine();
        machine.WriteConfig(server.BaseAddress, site, fingerprintLabel);
        return new AgentScenario(server, admin, site, machine);
    }

    public async ValueTask DisposeAsync()
    {
        await Agent.DisposeAsync();
        Admin.Dispose();
        await Server.DisposeAsync();
        Machine.Dispose();
    }
}
