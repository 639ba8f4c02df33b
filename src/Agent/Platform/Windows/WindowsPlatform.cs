using System.Runtime.Versioning;
using GuruConnect.Agent.Credentials;
using GuruConnect.Agent.Identity;
using GuruConnect.Agent.Inventory;
using GuruConnect.Agent.Service;
using GuruConnect.Agent.Session;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.WindowsServices;
using Microsoft.Extensions.Logging;

namespace GuruConnect.Agent.Platform.Windows;

[SupportedOSPlatform("windows")]
internal static class WindowsPlatform
{
    public static HostApplicationBuilder AddWindowsPlatform(this HostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(LocalMachine.Current(identityNeedsPrivilege: false));
        services.AddSingleton<IHardwareInfo>(new WindowsHardwareInfo());
        services.AddSingleton<IInventorySource>(new WindowsInventorySource());
        services.AddSingleton(new CredentialProtection(_ => new DpapiCredentialProtector()));
        services.AddSingleton<IServiceHost>(sp => new WindowsServiceHost(sp.GetRequiredService<TimeProvider>()));

        // Screen sessions: the streaming build replaces this one line with its own factory.
        services.AddSingleton<IRemoteSessionFactory, NoScreenSessionFactory>();

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
