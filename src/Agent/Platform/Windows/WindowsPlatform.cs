using System.Runtime.Versioning;
using GuruConnect.Agent.Credentials;
using GuruConnect.Agent.Identity;
using GuruConnect.Agent.Inventory;
using GuruConnect.Agent.Platform.Windows.Capture;
using GuruConnect.Agent.Platform.Windows.SessionWorker;
using GuruConnect.Agent.Service;
using GuruConnect.Agent.Session;
using GuruConnect.Agent.Streaming;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.WindowsServices;
using Microsoft.Extensions.Logging;

namespace GuruConnect.Agent.Platform.Windows;

[SupportedOSPlatform("windows")]
internal static class WindowsPlatform
{
    /// <summary>
    /// "1": a console run (not the service) captures through a session worker too, started with plain
    /// CreateProcess in its own session — how the wine smoke test drives the worker path (docs/agent.md "Session worker").
    /// </summary>
    public const string SessionWorkerVariable = "GURUCONNECT_SESSION_WORKER";

    public static HostApplicationBuilder AddWindowsPlatform(this HostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(LocalMachine.Current(identityNeedsPrivilege: false));
        services.AddSingleton<IHardwareInfo>(new WindowsHardwareInfo());
        services.AddSingleton<IInventorySource>(new WindowsInventorySource());
        services.AddSingleton(new CredentialProtection(_ => new DpapiCredentialProtector()));
        services.AddSingleton<IServiceHost>(sp => new WindowsServiceHost(sp.GetRequiredService<TimeProvider>()));

        // Screen sessions (docs/agent.md "Session worker"): the LocalSystem service runs in session 0 and
        // sees no desktop, so a worker it starts in the console session captures for it over a SYSTEM-only
        // pipe. A console run (support as the user, a test) captures its own session directly.
        var asService = WindowsServiceHelpers.IsWindowsService();
        if (asService || builder.Configuration[SessionWorkerVariable] == "1")
        {
            var executable = Environment.ProcessPath ?? throw new InvalidOperationException("The agent's own path is unknown.");
            services.AddSingleton(sp => new SessionWorkerSupervisor(
                asService ? new WtsConsoleSessions() : new OwnSession(),
                asService ? new SessionTokenLauncher(executable) : new SameSessionLauncher(executable),
                new SystemWorkerPipes(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<SessionWorkerSupervisor>>(),
                Random.Shared.NextDouble));
            services.AddHostedService<SessionWorkerService>();
            services.AddSingleton<IRemoteSessionFactory>(sp => new ScreenSessionFactory(
                new PipeStreamingPlatform(sp.GetRequiredService<SessionWorkerSupervisor>(), sp.GetRequiredService<ILogger<SessionWorkerSupervisor>>(), WicJpegEncoder.TryCreate),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<ScreenSession>>()));
        }
        else
        {
            services.AddSingleton<IRemoteSessionFactory>(sp => new ScreenSessionFactory(
                new WindowsStreamingPlatform(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ScreenSession>>()));
        }

        // Started by the service control manager (`run --service`): the SCM lifetime, the Event Log
        // and the agent's exit code as the service's. A console run keeps Ctrl+C and stderr only.
        services.AddWindowsService(options => options.ServiceName = WindowsServiceHost.ServiceName);
        if (WindowsServiceHelpers.IsWindowsService())
        {
            builder.Logging.AddEventLog(settings => settings.SourceName = WindowsServiceHost.ServiceName);
            services.AddHostedService<ServiceExitCode>();
        }

        return builder;
    }
}
