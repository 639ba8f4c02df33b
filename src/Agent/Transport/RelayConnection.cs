using GuruConnect.Agent.Credentials;
using GuruConnect.Agent.Inventory;
using GuruConnect.Agent.Logging;
using GuruConnect.Agent.Retry;
using GuruConnect.Agent.State;

namespace GuruConnect.Agent.Transport;

/// <summary>
/// The managed agent's connection to the relay: connect, and when a connection ends, reconnect
/// with exponential backoff and jitter (1 s doubling to 60 s, spec 02) — forever, until stopped.
/// Returns <see cref="ConnectionOutcome.KeyRejected"/> when the server refuses the machine key,
/// so the caller can delete it and re-enroll (spec 03 "Credential store").
/// </summary>
internal sealed class RelayConnection(
    AgentStateFile stateFile,
    IInventorySource inventory,
    Func<AgentCredentials, string, CancellationToken, Task> storeProvisionedKey,
    TimeProvider time,
    Func<double> random,
    AgentLogger log,
    string hostname,
    string agentVersion) : IAgentConnection
{
    /// <summary>A pending machine is re-tried slowly: an admin has to act first.</summary>
    public static readonly TimeSpan PendingRetry = TimeSpan.FromSeconds(60);

    /// <summary>A connection that lasted this long resets the backoff.</summary>
    private static readonly TimeSpan StableConnection = TimeSpan.FromMinutes(1);

    public async Task<ConnectionOutcome> RunAsync(AgentCredentials credentials, CancellationToken cancellationToken)
    {
        var backoff = Backoff.CreateDefault(random);
        while (!cancellationToken.IsCancellationRequested)
        {
            await stateFile.UpdateAsync(s => s with { ConnectionState = ConnectionStates.Connecting }, cancellationToken);
            var started = time.GetUtcNow();
            using var session = new RelaySession(new RelayAuthentication.MachineKey(credentials), inventory, (key, ct) => storeProvisionedKey(credentials, key, ct), time, log, hostname, agentVersion);
            var connected = false;
            var end = await session.RunAsync(
                async ct =>
                {
                    connected = true;
                    await stateFile.UpdateAsync(s => s with { ConnectionState = ConnectionStates.Connected, LastConnectedAt = time.GetUtcNow() }, ct);
                },
                cancellationToken);
            if (cancellationToken.IsCancellationRequested)
            {
                break;
            }

            await stateFile.UpdateAsync(
                s => s with { ConnectionState = ConnectionStates.Disconnected, LastError = end.Detail, LastErrorAt = time.GetUtcNow() },
                CancellationToken.None);
            if (end.Kind == SessionEndKind.KeyRejected)
            {
                TransportLog.KeyRejected(log, credentials.Server);
                return ConnectionOutcome.KeyRejected;
            }

            if (connected && time.GetUtcNow() - started >= StableConnection)
            {
                backoff.Reset();
            }

            var delay = end.Kind == SessionEndKind.PendingApproval
                ? Backoff.Jittered(PendingRetry, TimeSpan.FromSeconds(10), random())
                : backoff.Next();
            TransportLog.Reconnecting(log, end.Detail, delay);
            try
            {
                await Task.Delay(delay, time, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
        }

        return ConnectionOutcome.Stopped;
    }
}
