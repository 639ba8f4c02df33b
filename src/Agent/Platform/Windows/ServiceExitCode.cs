using System.Runtime.Versioning;
using GuruConnect.Agent.Service;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.WindowsServices;

namespace GuruConnect.Agent.Platform.Windows;

/// <summary>
/// Hands the agent's exit code to the SCM when the service stops: a non-zero code is a failure,
/// which the recovery actions <c>install</c> sets (restart after 5 s) answer.
/// </summary>
/// <remarks>Hosted services stop before the host lifetime, so the code is in place when the lifetime reports SERVICE_STOPPED.</remarks>
[SupportedOSPlatform("windows")]
internal sealed class ServiceExitCode(IHostLifetime lifetime, AgentExit exit) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken)
    {
        if (lifetime is WindowsServiceLifetime service)
        {
            service.ExitCode = exit.Code;
        }

        return Task.CompletedTask;
    }
}
