using System.CommandLine;
using GuruConnect.Agent.Config;
using GuruConnect.Agent.Hosting;
using GuruConnect.Agent.Platform;
using GuruConnect.Agent.Service;
using Microsoft.Extensions.DependencyInjection;

namespace GuruConnect.Agent.Cli;

/// <summary><c>install</c> / <c>uninstall</c>: register the agent with systemd or the Windows SCM (docs/agent.md "Run modes").</summary>
internal static class ServiceCommands
{
    public static Command CreateInstall(AgentHostOptions context)
    {
        var command = new Command("install", "Register and start the service (systemd guruconnect-agent.service; Windows service GuruConnectAgent): LocalSystem/root, starts at boot, restarts after 5 s.");
        command.SetAction((_, cancellationToken) => RunAsync(context, "install", async (host, paths, token) =>
        {
            if (!File.Exists(paths.ConfigPath))
            {
                await context.Error.WriteLineAsync(
                    $"Note: there is no agent config at {paths.ConfigPath} yet. The service stops with exit code {ExitCodes.ConfigInvalid} until it exists or `guruconnect-agent enroll --server … --site-code … --enrollment-key …` has run.");
            }

            return await host.InstallAsync(AgentCommandLine.Current(), token);
        }, cancellationToken));
        return command;
    }

    public static Command CreateUninstall(AgentHostOptions context)
    {
        var command = new Command("uninstall", "Stop and remove the service. The config and the machine credential stay.");
        command.SetAction((_, cancellationToken) => RunAsync(context, "uninstall", (host, _, token) => host.UninstallAsync(token), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(
        AgentHostOptions context,
        string name,
        Func<IServiceHost, AgentPaths, CancellationToken, Task<ServiceResult>> action,
        CancellationToken cancellationToken)
    {
        using var agentHost = AgentHost.CreateBuilder(context, logToFile: false, Microsoft.Extensions.Logging.LogLevel.Warning).Build();
        var services = agentHost.Services;
        var paths = services.GetRequiredService<AgentPaths>();
        if (CommandRunner.RequirePrivilege(context, paths, services.GetRequiredService<LocalMachine>(), name, always: true) is { } denied)
        {
            return denied;
        }

        return await CommandRunner.RunAsync(context, async () =>
        {
            var result = await action(services.GetRequiredService<IServiceHost>(), paths, cancellationToken);
            await (result.ExitCode == ExitCodes.Ok ? context.Out : context.Error).WriteLineAsync(result.Message);
            return result.ExitCode;
        });
    }
}
