using System.CommandLine;
using GuruConnect.Agent.Identity;
using GuruConnect.Agent.Logging;
using GuruConnect.Agent.Support;
using GuruConnect.Agent.Transport;

namespace GuruConnect.Agent.Cli;

/// <summary>
/// <c>support</c>: an attended session with a 6-digit code (spec 03 "Run modes"), as the current user.
/// Checks the code, connects once with it (the server consumes it, so a lost line is not retried),
/// and ends when the technician ends it or on Ctrl+C. Writes nothing: no config, state, key or log file.
/// </summary>
internal static class SupportCommand
{
    public static Command Create(AgentContext context)
    {
        var server = new Option<string>("--server") { Description = "Server URL the technician gave you.", Required = true };
        var code = new Option<string>("--code") { Description = "The 6-digit support code.", Required = true };
        var command = new Command("support", "Attended support session as the current user with a 6-digit code; stores nothing.")
        {
            server,
            code,
        };
        command.SetAction((parseResult, cancellationToken) => RunAsync(context, parseResult.GetRequiredValue(server), parseResult.GetRequiredValue(code), cancellationToken));
        return command;
    }

    public static bool IsValidCode(string code) => code.Length == 6 && code.All(char.IsAsciiDigit);

    /// <summary>The exit code for each answer to the code check.</summary>
    public static int ExitCodeFor(SupportCodeCheck check) => check switch
    {
        SupportCodeCheck.Live => ExitCodes.Ok,
        SupportCodeCheck.NotLive => ExitCodes.SupportCodeInvalid,
        SupportCodeCheck.RateLimited => ExitCodes.RateLimited,
        SupportCodeCheck.Unreachable => ExitCodes.ServerUnreachable,
        SupportCodeCheck.Failed { Status: >= 500 } => ExitCodes.ServerUnreachable,
        _ => ExitCodes.Unexpected,
    };

    private static async Task<int> RunAsync(AgentContext context, string server, string code, CancellationToken cancellationToken)
    {
        code = code.Trim();
        if (!IsValidCode(code))
        {
            return CommandRunner.Fail(context, ExitCodes.Usage, $"\"{code}\" is not a support code: it has exactly 6 digits, e.g. --code 123456. Ask your technician for the code.");
        }

        if (!Uri.TryCreate(server, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return CommandRunner.Fail(context, ExitCodes.Usage, $"\"{server}\" is not a server URL; expected something like https://connect.example.com.");
        }

        // The person at the keyboard reads stdout; the transport's log lines are for troubleshooting
        // (GURUCONNECT_LOG_LEVEL=information shows them). No file: attended mode writes nothing.
        var log = context.CreateLogger(toFile: false, out _, AgentLogLevel.Warning);
        return await CommandRunner.RunAsync(context, async () =>
        {
            try
            {
                return await SupportAsync(context, uri, code, log, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await context.Out.WriteLineAsync("Cancelled before the session started.");
                return ExitCodes.Ok;
            }
        });
    }

    private static async Task<int> SupportAsync(AgentContext context, Uri server, string code, AgentLogger log, CancellationToken cancellationToken)
    {
        await context.Out.WriteLineAsync($"Connecting to {server.Authority}…");
        using (var http = context.HttpClientFactory())
        {
            var check = await new SupportCodeClient(http, context.Time).CheckAsync(server, code, cancellationToken);
            if (check is not SupportCodeCheck.Live)
            {
                return CommandRunner.Fail(context, ExitCodeFor(check), check.Message);
            }
        }

        var identity = await AttendedIdentityAsync(context, cancellationToken);
        using var session = new RelaySession(
            new RelayAuthentication.SupportCode(server, code, identity),
            context.Inventory,
            storeProvisionedKey: null,
            context.Time,
            log,
            context.HostName,
            AgentContext.Version);
        var connected = false;
        var end = await session.RunAsync(
            async _ =>
            {
                connected = true;
                await context.Out.WriteLineAsync("Connected. Your technician can now join this session. Press Ctrl+C to end it.");
            },
            cancellationToken);

        if (!connected)
        {
            var refused = RefusedAtUpgrade(server, code, end);
            return CommandRunner.Fail(context, ExitCodeFor(refused), refused.Message);
        }

        if (end.Kind == SessionEndKind.Stopped || cancellationToken.IsCancellationRequested)
        {
            await context.Out.WriteLineAsync("You ended the session.");
            return ExitCodes.Ok;
        }

        if (end.Kind == SessionEndKind.Ended)
        {
            await context.Out.WriteLineAsync("The technician ended the session.");
            return ExitCodes.Ok;
        }

        // The detail (a socket error) goes to the log; the person at the keyboard needs the next step.
        TransportLog.Lost(log, end.Detail);
        return CommandRunner.Fail(
            context,
            ExitCodes.SupportSessionLost,
            $"The session ended because the connection to {server.Authority} was lost. A support code works only once: ask your technician for a new code to continue.");
    }

    // The check passed a moment ago, so a refusal now means the code was used or cancelled in between.
    private static SupportCodeCheck RefusedAtUpgrade(Uri server, string code, SessionEnd end) => end switch
    {
        { Kind: SessionEndKind.KeyRejected } => new SupportCodeCheck.NotLive(code),
        { Status: 429 } => new SupportCodeCheck.RateLimited(null),
        { Kind: SessionEndKind.Unreachable } => new SupportCodeCheck.Unreachable(server.Authority, end.Detail),
        _ => new SupportCodeCheck.Failed(
            end.Status ?? 0,
            $"{server.Authority} refused the session ({end.Detail}). Try again in a minute; if it persists, tell your technician."),
    };

    /// <summary>
    /// The uid for <c>AgentHello</c>, only when it is the one the service would compute: root or an
    /// administrator, or Windows (WMI answers any user). On Linux the DMI files are root-only, so a
    /// user's uid would differ; the hello then carries none.
    /// </summary>
    private static async Task<MachineIdentity?> AttendedIdentityAsync(AgentContext context, CancellationToken cancellationToken)
    {
        if (!context.IsPrivileged() && !OperatingSystem.IsWindows())
        {
            return null;
        }

        try
        {
            return await new IdentityProvider(context.Hardware).GetIdentityAsync(cancellationToken);
        }
        catch (MachineIdentityException)
        {
            return null;
        }
    }
}
