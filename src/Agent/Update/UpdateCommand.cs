using System.CommandLine;
using System.Diagnostics;
using GuruConnect.Agent.Cli;
using GuruConnect.Agent.Config;
using GuruConnect.Agent.Hosting;
using GuruConnect.Agent.Platform;
using GuruConnect.Agent.Service;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GuruConnect.Agent.Update;

/// <summary>
/// <c>update</c> (docs/agent.md "Updates"): check now and install a newer signed build, then restart
/// the service into it; <c>update --check</c> only says what the server offers. The hidden
/// <c>update --guard</c> is the systemd unit's <c>ExecStartPre</c>, run by the previous binary: it puts
/// that binary back when the new one's trial deadline has passed.
/// </summary>
internal static class UpdateCommand
{
    public static Command Create(AgentHostOptions context)
    {
        var check = new Option<bool>("--check") { Description = "Only check: print the installed and the offered version, install nothing." };
        var guard = new Option<bool>("--guard")
        {
            Description = "Before the service starts: roll back an update that did not connect in time (the systemd unit's ExecStartPre).",
            Hidden = true,
        };
        var command = new Command("update", "Check the server for a newer signed agent now, install it and restart the service into it (rolled back if it does not connect within 2 minutes).")
        {
            check,
            guard,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var guardOnly = result.GetValue(guard);
            using var host = AgentHost.CreateBuilder(context with { LogToConsole = context.LogToConsole && !guardOnly }, logToFile: true, LogLevel.Warning).Build();
            var services = host.Services;
            if (guardOnly)
            {
                return await GuardAsync(services, cancellationToken);
            }

            var paths = services.GetRequiredService<AgentPaths>();
            var apply = !result.GetValue(check);
            if (apply && CommandRunner.RequirePrivilege(context, paths, services.GetRequiredService<LocalMachine>(), "update") is { } denied)
            {
                return denied;
            }

            return await CommandRunner.RunAsync(context, () => RunAsync(context, services, apply, cancellationToken));
        });
        return command;
    }

    private static async Task<int> RunAsync(AgentHostOptions context, IServiceProvider services, bool apply, CancellationToken cancellationToken)
    {
        var paths = services.GetRequiredService<AgentPaths>();
        var config = await new AgentConfigFile(paths.ConfigPath).LoadAsync(cancellationToken);
        var server = config.RequireServer(paths.ConfigPath);
        var updater = services.GetRequiredService<Updater>();
        var outcome = await updater.CheckAsync(server, apply, requested: true, cancellationToken);
        var output = outcome.Outcome is UpdateOutcome.Refused or UpdateOutcome.Disabled ? context.Error : context.Out;
        await output.WriteLineAsync(outcome.Message);
        switch (outcome.Outcome)
        {
            case UpdateOutcome.Refused:
                return ExitCodes.UpdateRefused;
            case UpdateOutcome.Disabled:
                return ExitCodes.NotSupported;
            case UpdateOutcome.Available:
                await context.Out.WriteLineAsync("Run `guruconnect-agent update` to install it.");
                return ExitCodes.Ok;
            case UpdateOutcome.Applied:
                await context.Out.WriteLineAsync(await RestartServiceAsync(services, cancellationToken));
                return ExitCodes.Ok;
            default:
                return ExitCodes.Ok;
        }
    }

    /// <summary>Always exit 0: a guard that fails must not keep the service from starting.</summary>
    private static async Task<int> GuardAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var guard = new UpdateGuard(
            services.GetRequiredService<UpdateStateFile>(),
            services.GetRequiredService<InstalledBinary>(),
            services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<ILogger<UpdateGuard>>())
        {
            IsGuardOnly = true,
        };
        try
        {
            await guard.CheckAtStart(cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            UpdateLog.StateWriteFailed(services.GetRequiredService<ILogger<UpdateGuard>>(), ex.Message);
        }

        return ExitCodes.Ok;
    }

    /// <summary>The running service still runs the old binary: restart it through the service manager.</summary>
    private static async Task<string> RestartServiceAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var configuration = services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>();
        if (configuration[SystemdUnit.SkipSystemctlVariable] == "1")
        {
            return $"Not restarting the service ({SystemdUnit.SkipSystemctlVariable}=1): restart the agent now; the new binary must connect within 2 minutes.";
        }

        var (file, arguments, name) = OperatingSystem.IsWindows()
            ? ("powershell.exe", new[] { "-NoProfile", "-NonInteractive", "-Command", "Restart-Service -Name GuruConnectAgent -Force" }, "GuruConnectAgent")
            : ("systemctl", new[] { "restart", "--no-block", SystemdUnit.UnitName }, SystemdUnit.UnitName);
        var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            return process.ExitCode == 0
                ? $"Restarted {name}: the new binary is on trial until it connects (2 minutes at most; then the previous one comes back)."
                : $"Restarting {name} failed ({process.ExitCode}: {(await error).Trim()}). Restart the agent now; the new binary must connect within 2 minutes or it is rolled back at its next start.";
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return $"Could not restart {name} ({ex.Message}). Restart the agent now; the new binary must connect within 2 minutes or it is rolled back at its next start.";
        }
    }
}
