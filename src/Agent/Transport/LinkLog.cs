using Microsoft.Extensions.Logging;

namespace GuruConnect.Agent.Transport;

/// <summary>Transport events, ids 5200–5299 (CONTRIBUTING.md "Logging event ids"). Never a key: fingerprints at most.</summary>
internal static partial class LinkLog
{
    [LoggerMessage(5200, LogLevel.Information, "Connected to {Server}", EventName = "Connected")]
    public static partial void Connected(ILogger logger, Uri server);

    [LoggerMessage(5201, LogLevel.Information, "Connection closed ({Status}: {Reason})", EventName = "Closed")]
    public static partial void Closed(ILogger logger, string status, string? reason);

    [LoggerMessage(5202, LogLevel.Warning, "Not connected: {Why}. Reconnecting in {DelaySeconds:F1} s", EventName = "Reconnecting")]
    private static partial void Reconnecting(ILogger logger, string why, double delaySeconds);

    public static void Reconnecting(ILogger logger, string why, TimeSpan delay) => Reconnecting(logger, why, delay.TotalSeconds);

    [LoggerMessage(5203, LogLevel.Error,
        "{Server} refused this machine's key: it was revoked or the machine was removed in the console. The stored key will be deleted", EventName = "KeyRejected")]
    public static partial void KeyRejected(ILogger logger, Uri server);

    [LoggerMessage(5204, LogLevel.Information, "The server provisioned this machine's own key; stored it and will use it from now on", EventName = "KeyProvisioned")]
    public static partial void KeyProvisioned(ILogger logger);

    [LoggerMessage(5205, LogLevel.Information, "Technician {Username} started viewing this machine", EventName = "ViewerJoined")]
    public static partial void ViewerJoined(ILogger logger, string username);

    [LoggerMessage(5206, LogLevel.Information, "Technician {Username} stopped viewing this machine", EventName = "ViewerLeft")]
    public static partial void ViewerLeft(ILogger logger, string username);

    [LoggerMessage(5207, LogLevel.Information, "Server notice {Kind}: {Text}", EventName = "Notice")]
    public static partial void Notice(ILogger logger, string kind, string text);

    [LoggerMessage(5208, LogLevel.Warning, "No message from the server for 60 s; dropping the connection", EventName = "Silent")]
    public static partial void Silent(ILogger logger);

    [LoggerMessage(5209, LogLevel.Warning, "Deleted the refused machine key at {Path}; enrolling again if the config holds an enrollment key", EventName = "KeyDeleted")]
    public static partial void KeyDeleted(ILogger logger, string path);

    [LoggerMessage(5210, LogLevel.Error, "Cannot enroll again: {Why} Checking again in {DelayMinutes:F0} min", EventName = "CannotReenroll")]
    private static partial void CannotReenroll(ILogger logger, string why, double delayMinutes);

    public static void CannotReenroll(ILogger logger, string why, TimeSpan delay) => CannotReenroll(logger, why, delay.TotalMinutes);

    [LoggerMessage(5211, LogLevel.Information, "Stopping: told the server goodbye and closed the connection", EventName = "SaidGoodbye")]
    public static partial void SaidGoodbye(ILogger logger);

    [LoggerMessage(5212, LogLevel.Warning,
        "The server sent a machine key to an attended session; ignored it (attended sessions store nothing)", EventName = "KeyProvisionIgnored")]
    public static partial void KeyProvisionIgnored(ILogger logger);

    [LoggerMessage(5213, LogLevel.Information, "Connection lost: {Why}. Not reconnecting: the support code was used by this connection", EventName = "Lost")]
    public static partial void Lost(ILogger logger, string why);

    [LoggerMessage(5214, LogLevel.Warning, "The remote session failed on {Payload}: {Reason}; the connection stays up", EventName = "RemoteSessionFailed")]
    public static partial void RemoteSessionFailed(ILogger logger, string payload, string reason);
}
