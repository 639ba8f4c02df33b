using GuruConnect.Agent.Config;
using GuruConnect.Agent.Credentials;
using GuruConnect.Agent.Identity;
using GuruConnect.Agent.Inventory;
using GuruConnect.Agent.Platform.Linux.X11;
using GuruConnect.Agent.Service;
using GuruConnect.Agent.Session;
using GuruConnect.Agent.Streaming;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace GuruConnect.Agent.Platform.Linux;

internal static class LinuxPlatform
{
    /// <summary>
    /// Read hardware identity from this folder instead of "/" (a container's bind-mounted host /sys,
    /// or a test's fake machine). Whoever can set the service's environment is root already.
    /// </summary>
    public const string HardwareRootVariable = "GURUCONNECT_AGENT_HARDWARE_ROOT";

    public static HostApplicationBuilder AddLinuxPlatform(this HostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(LocalMachine.Current(identityNeedsPrivilege: true));
        services.AddSingleton<IHardwareInfo>(sp =>
            new LinuxHardwareInfo(sp.GetRequiredService<IConfiguration>()[HardwareRootVariable] is { Length: > 0 } root ? root : "/"));
        services.AddSingleton<IInventorySource>(new LinuxInventorySource());
        services.AddSingleton(new CredentialProtection(identity => new IdentityKeyedProtector(identity)));
        services.AddSingleton<IServiceHost>(sp =>
        {
            var configuration = sp.GetRequiredService<IConfiguration>();
            var directory = configuration[SystemdUnit.DirectoryVariable];
            return new SystemdServiceHost(
                string.IsNullOrWhiteSpace(directory) ? SystemdUnit.DefaultDirectory : directory,
                configuration[SystemdUnit.SkipSystemctlVariable] == "1",
                sp.GetRequiredService<AgentPaths>());
        });

        // Screen sessions: X11 capture and input on DISPLAY (Platform/Linux/X11); no X server → no screen.
        services.AddSingleton<IRemoteSessionFactory>(sp => new ScreenSessionFactory(new X11StreamingPlatform(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ScreenSession>>()));

        // Under systemd (Type=notify): READY=1 once started, STOPPING=1 on SIGTERM, journald's log
        // format, and WATCHDOG=1 pings when the unit sets WatchdogSec. No-ops anywhere else.
        services.AddSystemd();
        if (SystemdHelpers.IsSystemdService())
        {
            services.AddHostedService<SystemdWatchdog>();
        }

        return builder;
    }
}
