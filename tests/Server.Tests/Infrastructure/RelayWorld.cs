using GuruConnect.Server.Relay;
using GuruConnect.Server.Sessions;

namespace GuruConnect.Server.Tests.Infrastructure;

/// <summary>Shortcuts for relay tests: enrolled machines and the server's relay internals.</summary>
public static class RelayWorld
{
    /// <summary>Enrolls a machine of <paramref name="site"/> through the real API; returns (machineId, cak_ key).</summary>
    public static Task<(Guid MachineId, string Key)> EnrollAsync(this GuruServer server, Fleet.Site site, string uid, string hostname = "PC-01") =>
        server.Client.EnrollOkAsync(site.Enrollment(uid, hostname));

    internal static SessionRegistry Sessions(this GuruServer server) => server.Services.GetRequiredService<SessionRegistry>();

    internal static RelayMetrics RelayMetrics(this GuruServer server) => server.Services.GetRequiredService<RelayMetrics>();

    internal static RelayMaintenance Maintenance(this GuruServer server) => server.Services.GetRequiredService<RelayMaintenance>();

    /// <summary>The relay's view of a session, failing the test if it does not exist.</summary>
    internal static RelaySession Session(this GuruServer server, Guid id) =>
        server.Sessions().Find(id) ?? throw new ShouldAssertException($"no session {id}");

    /// <summary>Settings that stop the relay's own periodic pass, so a test drives it with <see cref="RelayMaintenance.RunOnceAsync"/>.</summary>
    public const string ManualMaintenance = "--Relay:MaintenanceInterval=1.00:00:00";
}
