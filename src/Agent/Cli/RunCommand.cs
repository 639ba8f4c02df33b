using System.CommandLine;
using System.Runtime.Versioning;
using GuruConnect.Agent.Config;
using GuruConnect.Agent.Credentials;
using GuruConnect.Agent.Enrollment;
using GuruConnect.Agent.Logging;
using GuruConnect.Agent.Platform.Windows;
using GuruConnect.Agent.Retry;
using GuruConnect.Agent.Service;
using GuruConnect.Agent.State;
using GuruConnect.Agent.Transport;

namespace GuruConnect.Agent.Cli;

/// <summary><c>run</c>: managed mode, what the service runs (spec 03 "Run modes").</summary>
internal static class RunCommand
{
    public static Command Create(AgentContext context)
    {
        var service = new Option<bool>(WindowsCommandLine.ServiceFlag)
        {
            Description = "Started by the Windows service control manager (install puts it in the service's command line).",
            Hidden = true,
        };
        var command = new Command("run", "Managed mode (what the service runs): enroll if no key is stored, connect, serve sessions, reconnect forever.")
        {
            service,
        };
        command.SetAction((parseResult, cancellationToken) => RunAsync(context, parseResult.GetValue(service), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(AgentContext context, bool underServiceManager, CancellationToken cancellationToken)
    {
        if (underServiceManager && OperatingSystem.IsWindows())
        {
            var (started, exitCode) = await RunUnderServiceControlManagerAsync(context, cancellationToken);
            if (started)
            {
                return exitCode;
            }
        }

        return await RunAgentAsync(context, underServiceManager: false, cancellationToken);
    }

    // StartServiceCtrlDispatcher blocks its thread until the service stops; the SCM's stop
    // request, not Ctrl+C, cancels the agent there.
    [SupportedOSPlatform("windows")]
    private static Task<(bool Started, int ExitCode)> RunUnderServiceControlManagerAsync(AgentContext context, CancellationToken cancellationToken) =>
        Task.Factory.StartNew(
            () => (WindowsServiceDispatcher.TryRun(token => RunAgentAsync(context, underServiceManager: true, token), out var code), code),
            cancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

    private static async Task<int> RunAgentAsync(AgentContext context, bool underServiceManager, CancellationToken cancellationToken)
    {
        if (CommandRunner.RequirePrivilege(context, "run") is { } denied)
        {
            return denied;
        }

        var log = context.CreateLogger(toFile: true, out var fileSink);
        using (fileSink)
        {
            ServiceLog.Starting(log, AgentContext.Version, underServiceManager);
            return await CommandRunner.RunAsync(context, () => RunEnrolledAsync(context, log, cancellationToken), log);
        }
    }

    private static async Task<int> RunEnrolledAsync(AgentContext context, AgentLogger log, CancellationToken cancellationToken)
    {
        var stateFile = new AgentStateFile(context.Paths.StateFilePath, context.Time);
        try
        {
            using var http = context.HttpClientFactory();
            var enrollment = Flows.CreateEnrollment(context, http, log);
            var connection = context.CreateConnection(stateFile, log);
            var keyRejected = false;
            while (!cancellationToken.IsCancellationRequested)
            {
                AgentCredentials credentials;
                try
                {
                    credentials = await enrollment.EnsureEnrolledAsync(cancellationToken);
                }
                catch (AgentConfigException ex) when (keyRejected)
                {
                    // Spec 03: the key was refused and no enrollment key is left: say why, retry slowly.
                    var delay = Backoff.Jittered(EnrollmentFlow.NeedsAttentionInterval, TimeSpan.FromMinutes(1), context.Random());
                    TransportLog.CannotReenroll(log, ex.Message, delay);
                    await stateFile.UpdateAsync(s => s with { ConnectionState = ConnectionStates.EnrollmentFailed, LastError = ex.Message, LastErrorAt = context.Time.GetUtcNow() }, cancellationToken);
                    await Task.Delay(delay, context.Time, cancellationToken);
                    continue;
                }

                keyRejected = false;
                if (await connection.RunAsync(credentials, cancellationToken) != ConnectionOutcome.KeyRejected)
                {
                    break;
                }

                keyRejected = true;
                var store = context.CredentialStoreFor(credentials.Identity);
                await store.DeleteAsync(cancellationToken);
                TransportLog.KeyDeleted(log, store.Path);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C, SIGTERM or a service stop: the normal way `run` ends.
        }

        ServiceLog.Stopping(log);
        await stateFile.UpdateAsync(s => s with { ConnectionState = ConnectionStates.Stopped }, CancellationToken.None);
        return ExitCodes.Ok;
    }
}
