using System.CommandLine;
using GuruConnect.Agent.Service;

namespace GuruConnect.Agent.Cli;

/// <summary><c>install</c> / <c>uninstall</c>: register the agent with systemd or the Windows SCM (spec 03).</summary>
internal static class ServiceCommands
{
    public static Command CreateInstall(AgentContext context)
    {
        var command = new Command("install", "Register and start the service (systemd guruconnect-agent.service; Windows service GuruConnectAgent): LocalSystem/root, starts at boot, restarts after 5 s.");
        command.SetAction((_, cancellationToken) => RunAsync(context, "install", async (host, token) =>
        {
            if (!File.Exists(context.Paths.ConfigPath))
            {
                await context.Error.WriteLineAsync(
                    $"Note: there is no agent config at {context.Paths.ConfigPath} yet. The service stops with exit code {ExitCodes.ConfigInvalid} until it exists or `guruconnect-agent enroll --server … --site-code … --enrollment-key …` has run.");
            }

            return await host.InstallAsync(AgentCommandLine.Current(), token);
        }, cancellationToken));
        return command;
    }

    public static Command CreateUninstall(AgentContext context)
    {
        var command = new Command("uninstall", "Stop and remove the service. The config and the machine credential stay.");
        command.SetAction((_, cancellationToken) => RunAsync(context, "uninstall", (host, token) => host.UninstallAsync(token), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(
        AgentContext context,
        string name,
        Func<IServiceHost, CancellationToken, Task<ServiceResult>> action,
        CancellationToken cancellationToken)
    {
        if (CommandRunner.RequirePrivilege(context, name, always: true) is { } denied)
        {
            return denied;
        }

        if (context.CreateServiceHost() is not { } host)
        {
            return CommandRunner.Fail(context, ExitCodes.NotSupported, $"`{name}` supports Linux with systemd and Windows; on this system start `guruconnect-agent run` from your init system.");
        }

        return await CommandRunner.RunAsync(context, async () =>
        {
            var result = await action(host, cancellationToken);
            await (result.ExitCode == ExitCodes.Ok ? context.Out : context.Error).WriteLineAsync(result.Message);
            return result.ExitCode;
        });
    }
}
