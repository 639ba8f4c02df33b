using Microsoft.Extensions.Logging;

namespace GuruConnect.Agent.Platform.Windows.SessionWorker;

/// <summary>Session-worker events, ids 5600–5699 (CONTRIBUTING.md "Logging event ids"). Never clipboard or key text.</summary>
internal static partial class WorkerLog
{
    [LoggerMessage(5600, LogLevel.Information, "Session worker {ProcessId} started in session {SessionId}", EventName = "WorkerStarted")]
    public static partial void Started(ILogger logger, int processId, uint sessionId);

    [LoggerMessage(5601, LogLevel.Information, "The console moved from session {OldSessionId} to {NewSessionId}: restarting the session worker", EventName = "WorkerSessionSwitch")]
    public static partial void SessionSwitched(ILogger logger, uint oldSessionId, uint newSessionId);

    [LoggerMessage(5602, LogLevel.Warning, "Session worker in session {SessionId} ended; restarting in {DelaySeconds:0.#} s", EventName = "WorkerEnded")]
    public static partial void Ended(ILogger logger, uint sessionId, double delaySeconds);

    [LoggerMessage(5603, LogLevel.Warning, "Could not start a session worker in session {SessionId}: {Reason}", EventName = "WorkerLaunchFailed")]
    public static partial void LaunchFailed(ILogger logger, uint sessionId, string reason);

    [LoggerMessage(5604, LogLevel.Warning, "Session worker pipe closed: {Reason}", EventName = "WorkerProtocolBroken")]
    public static partial void ProtocolBroken(ILogger logger, string reason);

    [LoggerMessage(5605, LogLevel.Warning, "Session worker did not answer {Request} within {Seconds} s; closing its pipe", EventName = "WorkerNoAnswer")]
    public static partial void NoAnswer(ILogger logger, string request, double seconds);

    [LoggerMessage(5606, LogLevel.Warning, "Refused a pipe client that is not our session worker (process {ProcessId})", EventName = "WorkerPipeIntruder")]
    public static partial void Intruder(ILogger logger, int processId);

    [LoggerMessage(5607, LogLevel.Information, "No session is attached to the console; waiting", EventName = "WorkerNoConsole")]
    public static partial void NoConsole(ILogger logger);
}
