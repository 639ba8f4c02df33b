using Microsoft.Extensions.Hosting;

namespace GuruConnect.Agent.Platform.Windows.SessionWorker;

/// <summary>Runs the <see cref="SessionWorkerSupervisor"/> for as long as <c>run</c> runs.</summary>
internal sealed class SessionWorkerService(SessionWorkerSupervisor supervisor) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => supervisor.RunAsync(stoppingToken);
}
