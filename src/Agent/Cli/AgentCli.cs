using System.CommandLine;
using GuruConnect.Agent.Hosting;

namespace GuruConnect.Agent.Cli;

/// <summary>The command line (docs/agent.md "Run modes"). Parse errors exit with <see cref="ExitCodes.Usage"/>.</summary>
internal static class AgentCli
{
    // Shown by --help; the contract is ExitCodes.cs.
    private const string Description = """
        GuruConnect agent: keeps this machine reachable for remote support.

        Exit codes: 0 ok, 1 unexpected error, 2 bad command line, 3 config missing or invalid,
        4 enrollment rejected (401), 5 machine belongs to another site (409), 6 waiting for approval (202),
        7 rate limited (429), 8 server unreachable, 9 stored credential unreadable,
        10 not supported on this platform, 11 needs root / administrator,
        13 support code not valid (expired, used or cancelled), 14 support session lost (ask for a new code),
        15 restarting into an updated (or rolled-back) binary, 16 update refused (nothing changed).
        Config: GURUCONNECT_AGENT_CONFIG (default /etc/guruconnect/agent.json, %ProgramData%\GuruConnect\agent.json).
        State: GURUCONNECT_AGENT_STATE (default /var/lib/guruconnect, %ProgramData%\GuruConnect\credentials).
        """;

    public static RootCommand Build(AgentHostOptions context) => new(Description)
    {
        RunCommand.Create(context),
        EnrollCommand.Create(context),
        SupportCommand.Create(context),
        ServiceCommands.CreateInstall(context),
        ServiceCommands.CreateUninstall(context),
        StatusCommand.Create(context),
        Platform.Windows.SessionWorker.SessionWorkerCommand.Create(context),
        Update.UpdateCommand.Create(context),
    };

    // handleTerminationSignals: Ctrl+C and SIGTERM cancel the command's token (the real process; not tests).
    public static async Task<int> InvokeAsync(IReadOnlyList<string> args, AgentHostOptions context, bool handleTerminationSignals, CancellationToken cancellationToken)
    {
        var parseResult = Build(context).Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            foreach (var error in parseResult.Errors)
            {
                await context.Error.WriteLineAsync(error.Message);
            }

            await context.Error.WriteLineAsync("Run `guruconnect-agent --help` for the commands and their options.");
            return ExitCodes.Usage;
        }

        var invocation = new InvocationConfiguration
        {
            Output = context.Out,
            Error = context.Error,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = handleTerminationSignals ? TimeSpan.FromSeconds(15) : null,
        };
        return await parseResult.InvokeAsync(invocation, cancellationToken);
    }
}
