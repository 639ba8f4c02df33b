namespace GuruConnect.Agent.Service;

/// <summary>
/// Registers the agent with the OS service manager (docs/agent.md <c>install</c> / <c>uninstall</c>):
/// systemd on Linux, the service control manager on Windows.
/// </summary>
internal interface IServiceHost
{
    /// <summary><c>command</c>: the agent executable (and, under <c>dotnet</c>, its dll) the service runs.</summary>
    Task<ServiceResult> InstallAsync(IReadOnlyList<string> command, CancellationToken cancellationToken);

    Task<ServiceResult> UninstallAsync(CancellationToken cancellationToken);
}
