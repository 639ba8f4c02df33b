using GuruConnect.Agent.Credentials;
using GuruConnect.Agent.Retry;
using GuruConnect.Agent.State;
using Microsoft.Extensions.Logging;

namespace GuruConnect.Agent.Transport;

/// <summary>
/// The managed agent's link to the relay: connect, and when a connection ends, reconnect with
/// exponential backoff and jitter (<see cref="LinkSettings"/>) — forever, until stopped.
/// Returns <see cref="LinkOutcome.KeyRejected"/> when the server refuses the machine key, so the
/// caller can delete it and re-enroll (docs/agent.md "Credential store").
/// </summary>
internal sealed class AgentLink(
    LinkConnector connector,
    AgentStateFile stateFile,
    CredentialProtection protection,
    Config.AgentPaths paths,
    LinkSettings settings,
    TimeProvider time,
    Random random,
    ILogger<AgentLink> log) : IAgentLink
{
    public async Task<LinkOutcome> RunAsync(AgentCredentials credentials, CancellationToken cancellationToken)
    {
        var backoff = new Backoff(settings.InitialBackoff, settings.MaximumBackoff, random.NextDouble);
        while (!cancellationToken.IsCancellationRequested)
        {
            await stateFile.UpdateAsync(s => s with { ConnectionState = ConnectionStates.Connecting }, cancellationToken);
            var started = time.GetUtcNow();
            using var connection = connector.Create(
                new LinkAuthentication.MachineKey(credentials),
                (key, ct) => protection.StoreFor(paths.StateDirectory, credentials.Identity).SaveAsync(key, ct));
            var connected = false;
            var end = await connection.RunAsync(
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
            if (end.Kind == LinkEndKind.KeyRejected)
            {
                LinkLog.KeyRejected(log, credentials.Server);
                return LinkOutcome.KeyRejected;
            }

            if (connected && time.GetUtcNow() - started >= settings.StableConnection)
            {
                backoff.Reset();
            }

            var delay = end.Kind == LinkEndKind.PendingApproval
                ? Backoff.Jittered(settings.PendingRetry, settings.PendingRetry / 6, random.NextDouble())
                : backoff.Next();
            LinkLog.Reconnecting(log, end.Detail, delay);
            try
            {
                await Task.Delay(delay, time, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
        }

        return LinkOutcome.Stopped;
    }
}
