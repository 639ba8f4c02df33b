using Microsoft.Extensions.Logging;

namespace GuruConnect.Agent.Service;

/// <summary>Service hosting events, ids 5000–5099 (CONTRIBUTING.md "Logging event ids").</summary>
internal static partial class ServiceLog
{
    [LoggerMessage(5000, LogLevel.Information, "Stop requested; shutting down", EventName = "Stopping")]
    public static partial void Stopping(ILogger logger);

    [LoggerMessage(5001, LogLevel.Information, "guruconnect-agent {Version} starting ({Lifetime})", EventName = "Starting")]
    public static partial void Starting(ILogger logger, string version, string lifetime);

    [LoggerMessage(5002, LogLevel.Error, "Exiting with code {ExitCode}: {Reason}", EventName = "Fatal")]
    public static partial void Fatal(ILogger logger, int exitCode, string reason);

    [LoggerMessage(5003, LogLevel.Debug, "systemd watchdog enabled: pinging every {IntervalSeconds:F1} s", EventName = "WatchdogEnabled")]
    public static partial void WatchdogEnabled(ILogger logger, double intervalSeconds);
}
