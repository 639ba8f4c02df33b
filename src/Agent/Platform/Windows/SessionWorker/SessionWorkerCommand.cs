using System.CommandLine;
using GuruConnect.Agent.Cli;
using GuruConnect.Agent.Hosting;

namespace GuruConnect.Agent.Platform.Windows.SessionWorker;

/// <summary>
/// <c>session-worker --pipe NAME</c>: hidden; the Windows service starts it in the console session
/// (docs/agent.md "Session worker"). Nobody runs it by hand.
/// </summary>
internal static class SessionWorkerCommand
{
    public const string Name = "session-worker";
    public const string PipeOption = "--pipe";

    public static Command Create(AgentHostOptions context)
    {
        var pipe = new Option<string>(PipeOption) { Description = "The service's pipe.", Required = true };
        var command = new Command(Name, "Capture worker in the console session (started by the Windows service).") { pipe };
        command.Hidden = true;
        command.SetAction(parseResult => Run(context, parseResult.GetRequiredValue(pipe)));
        return command;
    }

    /// <summary>The names the supervisor makes: a fixed prefix and hex digits, nothing a path could hide in.</summary>
    public static bool IsValidPipeName(string name) =>
        name.Length is > 0 and <= 80 && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');

    private static int Run(AgentHostOptions context, string pipe)
    {
        if (!IsValidPipeName(pipe))
            return CommandRunner.Fail(context, ExitCodes.Usage, $"\"{pipe}\" is not a worker pipe name.");
        if (!OperatingSystem.IsWindows())
            return CommandRunner.Fail(context, ExitCodes.NotSupported, "session-worker runs only on Windows, started by the agent's service.");
        return WindowsSessionWorker.Run(pipe, context.Error);
    }
}
