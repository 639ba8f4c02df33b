using System.Data.Common;
using GuruConnect.Server.Machines;
using GuruConnect.Server.Sessions;
using Microsoft.Extensions.Options;

namespace GuruConnect.Server.Relay;

/// <summary>
/// <c>AgentStatus</c> → the machine's inventory, at most once per <see cref="RelayOptions.InventoryInterval"/>
/// per connection: the first report is written at once (the console shows a new machine's inventory
/// straight away), later ones within the interval only replace a pending report, which the maintenance
/// pass or the agent leaving writes. An agent flooding reports costs memory for one report, not a
/// database write each.
/// </summary>
internal sealed class InventoryWriter(
    SessionRegistry sessions, MachineStore machines, IOptions<RelayOptions> options, TimeProvider time, ILogger<InventoryWriter> logger)
{
    public async Task StoreAsync(AgentConnection agent, MachineInventory inventory, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (agent.InventoryWrittenAt is { } last && now - last < options.Value.InventoryInterval)
        {
            agent.PendingInventory = inventory;
            return;
        }

        agent.InventoryWrittenAt = now;
        agent.PendingInventory = null;
        await WriteAsync(agent, inventory, cancellationToken);
    }

    /// <summary>Writes the pending reports whose interval has passed; the machines written.</summary>
    public async Task<IReadOnlyList<Guid>> FlushAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var written = new List<Guid>();
        foreach (var session in sessions.All)
        {
            if (session.Agent is { IsSupport: false } agent && agent.PendingInventory is not null &&
                (agent.InventoryWrittenAt is not { } last || now - last >= options.Value.InventoryInterval) &&
                agent.TakePendingInventory() is { } inventory)
            {
                agent.InventoryWrittenAt = now;
                await WriteAsync(agent, inventory, cancellationToken);
                written.Add(agent.MachineId);
            }
        }

        return written;
    }

    /// <summary>The agent is leaving: its last report is not lost.</summary>
    public async Task FlushOnLeaveAsync(AgentConnection agent)
    {
        if (agent.TakePendingInventory() is { } inventory)
        {
            await WriteAsync(agent, inventory, CancellationToken.None);
        }
    }

    private async Task WriteAsync(AgentConnection agent, MachineInventory inventory, CancellationToken cancellationToken)
    {
        try
        {
            await machines.UpdateInventoryAsync(agent.MachineId, inventory, cancellationToken);
        }
        catch (DbException e)
        {
            RelayLog.InventoryFailed(logger, agent.MachineId, e);
        }
    }
}
