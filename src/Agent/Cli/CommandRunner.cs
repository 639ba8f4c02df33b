using System.ComponentModel;
using GuruConnect.Agent.Config;
using GuruConnect.Agent.Credentials;
using GuruConnect.Agent.Hosting;
using GuruConnect.Agent.Identity;
using GuruConnect.Agent.Platform;
using GuruConnect.Agent.Service;
using Microsoft.Extensions.Logging;

namespace GuruConnect.Agent.Cli;

/// <summary>Turns the agent's fatal conditions into an exit code and one clear message.</summary>
internal static class CommandRunner
{
    // ERROR_ACCESS_DENIED, from the service control manager when not elevated.
    private const int AccessDenied = 5;

    // log: for `run`, fatal messages go through the log (stderr and the file) instead of straight to stderr.
    public static async Task<int> RunAsync(AgentHostOptions context, Func<Task<int>> body, ILogger? log = null)
    {
        try
        {
            return await body();
        }
        catch (AgentConfigException ex) when (ex.PermissionDenied)
        {
            return Fail(context, ExitCodes.NeedsPrivilege, ex.Message, log);
        }
        catch (AgentConfigException ex)
        {
            return Fail(context, ExitCodes.ConfigInvalid, ex.Message, log);
        }
        catch (CredentialStoreUnreadableException ex)
        {
            return Fail(context, ExitCodes.CredentialStoreUnreadable, ex.Message, log);
        }
        catch (MachineIdentityException ex)
        {
            return Fail(context, ExitCodes.NotSupported, ex.Message, log);
        }
        catch (OperationCanceledException)
        {
            return Fail(context, ExitCodes.Unexpected, "Cancelled.", log);
        }
        catch (Win32Exception ex) when (ex.NativeErrorCode == AccessDenied)
        {
            return Fail(context, ExitCodes.NeedsPrivilege, $"{ex.Message}: access denied. Run it from an elevated prompt (Run as administrator).", log);
        }
        catch (Exception ex)
        {
            return Fail(context, ExitCodes.Unexpected, $"Unexpected error ({ex.GetType().Name}): {ex.Message}", log);
        }
    }

    public static int Fail(AgentHostOptions context, int exitCode, string message, ILogger? log = null)
    {
        if (log is null)
        {
            context.Error.WriteLine(message);
        }
        else
        {
            ServiceLog.Fatal(log, exitCode, message);
        }

        return exitCode;
    }

    /// <returns>Null when allowed; <see cref="ExitCodes.NeedsPrivilege"/> after saying why otherwise.</returns>
    public static int? RequirePrivilege(AgentHostOptions context, AgentPaths paths, LocalMachine machine, string command, bool always = false)
    {
        if ((!always && !paths.IsSystemWide) || machine.IsPrivileged)
        {
            return null;
        }

        var how = OperatingSystem.IsWindows()
            ? "Run it from an elevated prompt (Run as administrator)."
            : $"Run it as root: sudo guruconnect-agent {command}.";
        return Fail(
            context,
            ExitCodes.NeedsPrivilege,
            $"`guruconnect-agent {command}` needs root (Linux) or an administrator (Windows): it uses {paths.ConfigPath}, {paths.StateDirectory} and the service manager. {how}");
    }
}
