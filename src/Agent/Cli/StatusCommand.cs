using System.CommandLine;
using System.Globalization;
using GuruConnect.Agent.Config;
using GuruConnect.Agent.Credentials;
using GuruConnect.Agent.Hosting;
using GuruConnect.Agent.Identity;
using GuruConnect.Agent.Platform;
using GuruConnect.Agent.State;
using Microsoft.Extensions.DependencyInjection;

namespace GuruConnect.Agent.Cli;

/// <summary>
/// <c>status</c>: server, site, key fingerprint, machine id and uid, whether a machine key is
/// stored, and what <c>run</c> last reported (docs/agent.md "Run modes"). Works as any user, saying what it
/// could not see.
/// </summary>
internal static class StatusCommand
{
    public static Command Create(AgentHostOptions context)
    {
        var command = new Command("status", "Show the server, site, enrollment key fingerprint, machine id and connection state.");
        command.SetAction(async (_, cancellationToken) =>
        {
            using var host = AgentHost.CreateBuilder(context, logToFile: false, Microsoft.Extensions.Logging.LogLevel.Warning).Build();
            return await CommandRunner.RunAsync(context, () => RunAsync(context, host.Services, cancellationToken));
        });
        return command;
    }

    private static async Task<int> RunAsync(AgentHostOptions context, IServiceProvider services, CancellationToken cancellationToken)
    {
        var paths = services.GetRequiredService<AgentPaths>();
        var config = await new AgentConfigFile(paths.ConfigPath).LoadAsync(cancellationToken);
        var state = await services.GetRequiredService<AgentStateFile>().ReadAsync(cancellationToken);

        var lines = new List<(string Label, string Value)>
        {
            ("config", paths.ConfigPath),
            ("server", config.Server ?? "(not set)"),
            ("site code", config.SiteCode ?? "(not set)"),
            ("key fingerprint", config.KeyFingerprint ?? "(not set)"),
            ("enrollment key", string.IsNullOrWhiteSpace(config.EnrollmentKey) ? "not in the config (removed after enrollment)" : "in the config, removed after the first successful enrollment"),
            ("machine id", state?.MachineId ?? "(not enrolled yet)"),
            ("machine uid", await DescribeUidAsync(services, state, cancellationToken)),
            ("machine key", DescribeCredential(paths)),
            ("connection", DescribeConnection(state)),
        };
        if (state?.LastError is { } error)
        {
            lines.Add(("last error", $"{error} ({Format(state.LastErrorAt)})"));
        }

        var width = lines.Max(l => l.Label.Length) + 2;
        await context.Out.WriteLineAsync($"GuruConnect agent {AgentHost.Version}");
        foreach (var (label, value) in lines)
        {
            await context.Out.WriteLineAsync($"  {label.PadRight(width)}{value}");
        }

        return ExitCodes.Ok;
    }

    // The uid recorded by run/enroll is authoritative: computed now as a non-root user, the
    // root-only DMI files are missing and the answer would differ.
    private static async Task<string> DescribeUidAsync(IServiceProvider services, AgentState? state, CancellationToken cancellationToken)
    {
        if (state?.MachineUid is { } uid)
        {
            return $"{uid} ({state.IdentityScope})";
        }

        try
        {
            var identity = await services.GetRequiredService<IdentityProvider>().GetIdentityAsync(cancellationToken);
            var caveat = services.GetRequiredService<LocalMachine>().IsPrivileged ? "" : "; run as root/administrator for the uid the service will use";
            return $"{identity.Uid} ({identity.ScopeName}, computed now{caveat})";
        }
        catch (MachineIdentityException ex)
        {
            return "unavailable: " + ex.Message;
        }
    }

    private static string DescribeCredential(AgentPaths paths)
    {
        var path = Path.Combine(paths.StateDirectory, CredentialStore.FileName);
        try
        {
            // Enumerate rather than File.Exists, which answers false when the folder is not readable.
            var present = Directory.Exists(paths.StateDirectory)
                && Directory.EnumerateFiles(paths.StateDirectory, CredentialStore.FileName).Any();
            return present ? $"stored ({path})" : "none stored";
        }
        catch (UnauthorizedAccessException)
        {
            return $"unknown: {paths.StateDirectory} is readable by root/administrators only";
        }
    }

    private static string DescribeConnection(AgentState? state)
    {
        if (state?.ConnectionState is not { } connection)
        {
            return "unknown (the agent has not run yet, or its state file is not readable by this user)";
        }

        var lastConnected = state.LastConnectedAt is { } at ? $", last connected {Format(at)}" : ", never connected";
        return $"{connection} (updated {Format(state.UpdatedAt)}{lastConnected})";
    }

    private static string Format(DateTimeOffset? time) =>
        time?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) ?? "unknown";
}
