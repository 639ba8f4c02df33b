using System.CommandLine;
using GuruConnect.Agent.Config;
using GuruConnect.Agent.Hosting;
using GuruConnect.Agent.Platform;
using GuruConnect.Agent.Service;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GuruConnect.Agent.Cli;

/// <summary>
/// <c>run</c>: managed mode, what the service runs (docs/agent.md "Run modes"), on the generic host.
/// The host's lifetime is the console's (Ctrl+C, SIGTERM), systemd's (READY=1 / STOPPING=1) or the
/// Windows service control manager's: Platform/ registers whichever applies.
/// </summary>
internal static class RunCommand
{
    /// <summary>Longer than the goodbye (5 s), shorter than systemd's TimeoutStopSec (15 s).</summary>
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(10);

    public static Command Create(AgentHostOptions context)
    {
        // Kept so the binPath of services installed by earlier builds still parses; the host now
        // detects the service control manager by itself.
        var service = new Option<bool>(WindowsCommandLine.ServiceFlag)
        {
            Description = "Started by the Windows service control manager (install puts it in the service's command line).",
            Hidden = true,
        };
        var command = new Command("run", "Managed mode (what the service runs): enroll if no key is stored, connect, serve sessions, reconnect forever.")
        {
            service,
        };
        command.SetAction((_, cancellationToken) => RunAsync(context, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(AgentHostOptions context, CancellationToken cancellationToken)
    {
        var builder = AgentHost.CreateBuilder(context, logToFile: true);
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = ShutdownTimeout);
        builder.Services.AddHostedService<Update.UpdateService>(); // first: it rolls back a failed update before anything connects
        builder.Services.AddHostedService<AgentService>();
        using var host = builder.Build();
        var services = host.Services;
        if (CommandRunner.RequirePrivilege(context, services.GetRequiredService<AgentPaths>(), services.GetRequiredService<LocalMachine>(), "run") is { } denied)
        {
            return denied;
        }

        var exit = services.GetRequiredService<AgentExit>();
        var log = services.GetRequiredService<ILogger<AgentService>>();
        ServiceLog.Starting(log, AgentHost.Version, services.GetRequiredService<IHostLifetime>().GetType().Name);
        await host.RunAsync(cancellationToken);
        return exit.Code;
    }
}
