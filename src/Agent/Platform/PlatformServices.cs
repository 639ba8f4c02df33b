using GuruConnect.Agent.Platform.Linux;
using GuruConnect.Agent.Platform.Windows;
using Microsoft.Extensions.Hosting;

namespace GuruConnect.Agent.Platform;

/// <summary>
/// The agent's one OS switch: the Linux or the Windows implementation of every seam (hardware
/// identity, inventory, credential sealing, service manager, screen sessions, service lifetime).
/// </summary>
internal static class PlatformServices
{
    public static HostApplicationBuilder AddPlatform(this HostApplicationBuilder builder) =>
        OperatingSystem.IsWindows() ? builder.AddWindowsPlatform() : builder.AddLinuxPlatform();
}
