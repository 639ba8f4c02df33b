using System.Net.WebSockets;
using GuruConnect.Protocol;
using GuruConnect.Server.Machines;
using GuruConnect.Server.Sessions;

namespace GuruConnect.Server.Relay;

/// <summary>
/// Acts on live sockets when the REST side changes a machine (docs/security.md §11: a revoked key or a removed
/// machine is disconnected within 1 s) and closes every socket when the server stops, so shutdown does
/// not wait for idle agents.
/// </summary>
internal sealed class RelayLifecycle(
    MachineLifecycle machines,
    SessionRegistry sessions,
    SessionTerminator terminator,
    ConnectionTracker connections,
    AgentPlane agents,
    IHostApplicationLifetime lifetime,
    ILogger<RelayLifecycle> logger) : IHostedService
{
    private CancellationTokenRegistration stopping;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        machines.KeyRevoked += OnKeyRevoked;
        machines.MachineRemoved += OnMachineRemoved;
        machines.MachinePending += OnMachinePending;
        stopping = lifetime.ApplicationStopping.Register(CloseAll);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        machines.KeyRevoked -= OnKeyRevoked;
        machines.MachineRemoved -= OnMachineRemoved;
        machines.MachinePending -= OnMachinePending;
        stopping.Dispose();
        return Task.CompletedTask;
    }

    private void OnKeyRevoked(Guid machineId, Guid keyId)
    {
        if (sessions.Find(machineId)?.Agent is { } agent && agent.UsesKey(keyId))
        {
            agents.CloseRevoked(agent);
        }
    }

    private void OnMachineRemoved(Guid machineId) => terminator.Remove(machineId, CloseReasons.Removed);

    // A machine put back to pending (an enrollment collision) may not connect until approved (docs/security.md §10).
    private void OnMachinePending(Guid machineId)
    {
        if (sessions.Find(machineId)?.Agent is { } agent)
        {
            RelayLog.AgentClosed(logger, machineId, CloseReasons.Pending);
            agent.Connection.Close(WebSocketCloseStatus.PolicyViolation, CloseReasons.Pending, SessionNotices.Disconnect(CloseReasons.Pending));
        }
    }

    private void CloseAll()
    {
        RelayLog.ShuttingDown(logger, connections.Count);
        foreach (var connection in connections.All)
        {
            connection.Close(WebSocketCloseStatus.EndpointUnavailable, CloseReasons.Shutdown, SessionNotices.Disconnect(CloseReasons.Shutdown));
        }
    }
}
