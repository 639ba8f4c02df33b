using System.CommandLine;
using GuruConnect.Agent.Hosting;
using GuruConnect.Agent.Identity;
using GuruConnect.Agent.Platform;
using GuruConnect.Agent.Support;
using GuruConnect.Agent.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GuruConnect.Agent.Cli;

/// <summary>
/// <c>support</c>: an attended session with a 6-digit code (docs/agent.md "Run modes"), as the current user.
/// Checks the code, connects once with it (the server consumes it, so a lost line is not retried),
/// and ends when the technician ends it or on Ctrl+C. Writes nothing: no config, state, key or log file.
/// </summary>
internal static class SupportCommand
{
    public static Command Create(AgentHostOptions context)
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

    private static async Task<int> RunAsync(AgentHostOptions context, string server, string code, CancellationToken cancellationToken)
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
        using var host = AgentHost.CreateBuilder(context, logToFile: false, LogLevel.Warning).Build();
        return await CommandRunner.RunAsync(context, async () =>
        {
            try
            {
                return await SupportAsync(context, host.Services, uri, code, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await context.Out.WriteLineAsync("Cancelled before the session started.");
                return ExitCodes.Ok;
            }
        });
    }

    private static async Task<int> SupportAsync(AgentHostOptions context, IServiceProvider services, Uri server, string code, CancellationToken cancellationToken)
    {
        await context.Out.WriteLineAsync($"Connecting to {server.Authority}…");
        var check = await services.GetRequiredService<SupportCodeClient>().CheckAsync(server, code, cancellationToken);
        if (check is not SupportCodeCheck.Live)
        {
            return CommandRunner.Fail(context, ExitCodeFor(check), check.Message);
        }

        var identity = await AttendedIdentityAsync(services, cancellationToken);
        // The same transport and remote-session factory as the managed link; nothing is stored.
        using var session = services.GetRequiredService<LinkConnector>().Create(new LinkAuthentication.SupportCode(server, code, identity), storeProvisionedKey: null);
        var log = services.GetRequiredService<ILogger<LinkConnection>>();
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

        if (end.Kind == LinkEndKind.Stopped || cancellationToken.IsCancellationRequested)
        {
            await context.Out.WriteLineAsync("You ended the session.");
            return ExitCodes.Ok;
        }

        if (end.Kind == LinkEndKind.Ended)
        {
            await context.Out.WriteLineAsync("The technician ended the session.");
            return ExitCodes.Ok;
        }

        // The detail (a socket error) goes to the log; the person at the keyboard needs the next step.
        LinkLog.Lost(log, end.Detail);
        return CommandRunner.Fail(
            context,
            ExitCodes.SupportSessionLost,
            $"The session ended because the connection to {server.Authority} was lost. A support code works only once: ask your technician for a new code to continue.");
    }

    // The check passed a moment ago, so a refusal now means the code was used or cancelled in between.
    private static SupportCodeCheck RefusedAtUpgrade(Uri server, string code, LinkEnd end) => end switch
    {
        { Kind: LinkEndKind.KeyRejected } => new SupportCodeCheck.NotLive(code),
        { Status: 429 } => new SupportCodeCheck.RateLimited(null),
        { Kind: LinkEndKind.Unreachable } => new SupportCodeCheck.Unreachable(server.Authority, end.Detail),
        _ => new SupportCodeCheck.Failed(
            end.Status ?? 0,
            $"{server.Authority} refused the session ({end.Detail}). Try again in a minute; if it persists, tell your technician."),
    };

    /// <summary>
    /// The uid for <c>AgentHello</c>, only when it is the one the service would compute: root or an
    /// administrator, or where any user reads the same signals (Windows: WMI answers any user). On
    /// Linux the DMI files are root-only, so a user's uid would differ; the hello then carries none.
    /// </summary>
    private static async Task<MachineIdentity?> AttendedIdentityAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var machine = services.GetRequiredService<LocalMachine>();
        if (!machine.IsPrivileged && machine.IdentityNeedsPrivilege)
        {
            return null;
        }

        try
        {
            return await services.GetRequiredService<IdentityProvider>().GetIdentityAsync(cancellationToken);
        }
        catch (MachineIdentityException)
        {
            return null;
        }
    }
}
