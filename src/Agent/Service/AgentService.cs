using GuruConnect.Agent.Cli;
using GuruConnect.Agent.Config;
using GuruConnect.Agent.Credentials;
using GuruConnect.Agent.Enrollment;
using GuruConnect.Agent.Hosting;
using GuruConnect.Agent.Retry;
using GuruConnect.Agent.State;
using GuruConnect.Agent.Transport;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GuruConnect.Agent.Service;

/// <summary>
/// Managed mode, what the service runs (docs/agent.md "Run modes"): enroll if no key is stored,
/// keep the link to the relay, and when the server refuses the key delete it and enroll again.
/// Ends the host with the exit code of the first fatal condition, or 0 when stopped.
/// </summary>
internal sealed class AgentService(
    AgentHostOptions console,
    EnrollmentFlow enrollment,
    IAgentLink link,
    AgentStateFile stateFile,
    AgentPaths paths,
    CredentialProtection protection,
    TimeProvider time,
    Random random,
    AgentExit exit,
    IHostApplicationLifetime lifetime,
    ILogger<AgentService> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        exit.Code = await CommandRunner.RunAsync(console, () => RunEnrolledAsync(stoppingToken), log);
        lifetime.StopApplication();
    }

    private async Task<int> RunEnrolledAsync(CancellationToken cancellationToken)
    {
        try
        {
            var keyRejected = false;
            while (!cancellationToken.IsCancellationRequested)
            {
                AgentCredentials credentials;
                try
                {
                    credentials = await enrollment.EnsureEnrolledAsync(cancellationToken);
                }
                catch (AgentConfigException ex) when (keyRejected)
                {
                    // The key was refused and no enrollment key is left: say why, retry slowly (docs/agent.md "Credential store").
                    var delay = Backoff.Jittered(EnrollmentFlow.NeedsAttentionInterval, TimeSpan.FromMinutes(1), random.NextDouble());
                    LinkLog.CannotReenroll(log, ex.Message, delay);
                    await stateFile.UpdateAsync(s => s with { ConnectionState = ConnectionStates.EnrollmentFailed, LastError = ex.Message, LastErrorAt = time.GetUtcNow() }, cancellationToken);
                    await Task.Delay(delay, time, cancellationToken);
                    continue;
                }

                keyRejected = false;
                if (await link.RunAsync(credentials, cancellationToken) != LinkOutcome.KeyRejected)
                {
                    break;
                }

                keyRejected = true;
                var store = protection.StoreFor(paths.StateDirectory, credentials.Identity);
                await store.DeleteAsync(cancellationToken);
                LinkLog.KeyDeleted(log, store.Path);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C, SIGTERM or a service stop: the normal way `run` ends.
        }

        ServiceLog.Stopping(log);
        await stateFile.UpdateAsync(s => s with { ConnectionState = ConnectionStates.Stopped }, CancellationToken.None);
        return ExitCodes.Ok;
    }
}
