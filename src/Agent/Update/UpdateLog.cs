using Microsoft.Extensions.Logging;

namespace GuruConnect.Agent.Update;

/// <summary>Updater events, ids 5700–5799 (CONTRIBUTING.md "Logging event ids"). Every refusal is one line that says the installed agent is unchanged.</summary>
internal static partial class UpdateLog
{
    [LoggerMessage(5700, LogLevel.Information, "Automatic updates are off: {Reason}", EventName = "UpdatesOff")]
    public static partial void UpdatesOff(ILogger logger, string reason);

    [LoggerMessage(5701, LogLevel.Debug, "Checking {Server} for a newer agent ({Platform}, {Channel})", EventName = "Checking")]
    public static partial void Checking(ILogger logger, string server, string platform, string channel);

    [LoggerMessage(5702, LogLevel.Information, "Agent {Version} is up to date ({Channel})", EventName = "UpToDate")]
    public static partial void UpToDate(ILogger logger, string version, string channel);

    [LoggerMessage(5703, LogLevel.Warning, "Update refused: {Reason}. The installed agent {Version} is unchanged", EventName = "Refused")]
    public static partial void Refused(ILogger logger, string reason, string version);

    [LoggerMessage(5704, LogLevel.Information, "Agent {Offered} is available (installed: {Version})", EventName = "Available")]
    public static partial void Available(ILogger logger, string offered, string version);

    [LoggerMessage(5705, LogLevel.Warning, "Updated {From} to {To}: restarting into it. It must connect within {WindowSeconds:0} s or {Previous} is put back", EventName = "Applied")]
    public static partial void Applied(ILogger logger, string from, string to, double windowSeconds, string previous);

    [LoggerMessage(5706, LogLevel.Information, "Update to {Version} committed: it connected; the previous binary stays at {Previous}", EventName = "Committed")]
    public static partial void Committed(ILogger logger, string version, string previous);

    [LoggerMessage(5707, LogLevel.Error, "Update to {Version} rolled back: {Reason}. {From} is back at {Path}; restarting into it", EventName = "RolledBack")]
    public static partial void RolledBack(ILogger logger, string version, string reason, string from, string path);

    [LoggerMessage(5708, LogLevel.Information, "On trial as {Version} until {Deadline:u}: committed on the first connection, rolled back otherwise", EventName = "OnTrial")]
    public static partial void OnTrial(ILogger logger, string version, DateTimeOffset deadline);

    [LoggerMessage(5709, LogLevel.Error, "Rolling back the update to {Version} failed: {Reason}. Reinstall the agent with the site installer", EventName = "RollbackFailed")]
    public static partial void RollbackFailed(ILogger logger, string version, string reason);

    [LoggerMessage(5710, LogLevel.Information, "Skipping agent {Version}: it was rolled back on this machine before. `guruconnect-agent update` tries it again", EventName = "SkippingRolledBack")]
    public static partial void SkippingRolledBack(ILogger logger, string version);

    [LoggerMessage(5711, LogLevel.Warning, "Update check failed: {Reason}; next check in {Delay}", EventName = "CheckFailed")]
    public static partial void CheckFailed(ILogger logger, string reason, TimeSpan delay);

    [LoggerMessage(5712, LogLevel.Debug, "Next update check in {Delay}", EventName = "NextCheck")]
    public static partial void NextCheck(ILogger logger, TimeSpan delay);

    [LoggerMessage(5713, LogLevel.Error, "update.json could not be read or written: {Reason}", EventName = "StateWriteFailed")]
    public static partial void StateWriteFailed(ILogger logger, string reason);
}
