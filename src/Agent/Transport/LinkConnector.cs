using GuruConnect.Agent.Hosting;
using GuruConnect.Agent.Inventory;
using GuruConnect.Agent.Platform;
using GuruConnect.Agent.Session;
using Microsoft.Extensions.Logging;

namespace GuruConnect.Agent.Transport;

/// <summary>Opens <see cref="LinkConnection"/>s: the managed link and the attended <c>support</c> command share it.</summary>
internal sealed class LinkConnector(
    IInventorySource inventory,
    IRemoteSessionFactory sessions,
    LocalMachine machine,
    TimeProvider time,
    ILogger<LinkConnection> log)
{
    /// <param name="authentication">The machine key (managed) or a support code (attended).</param>
    /// <param name="storeProvisionedKey">Null for an attended session, which stores nothing.</param>
    public LinkConnection Create(LinkAuthentication authentication, Func<string, CancellationToken, Task>? storeProvisionedKey) =>
        new(authentication, inventory, storeProvisionedKey, sessions, time, log, machine.HostName, AgentHost.Version);
}
