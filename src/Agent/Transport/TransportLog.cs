using GuruConnect.Agent.Logging;

namespace GuruConnect.Agent.Transport;

/// <summary>Transport events, ids 1500–1599. Never a key: fingerprints at most.</summary>
internal static class TransportLog
{
    private const string Category = "Transport";

    public static void Connected(AgentLogger log, Uri server) =>
        log.Log(AgentLogLevel.Information, Category, 1501, nameof(Connected), $"Connected to {server}");

    public static void Closed(AgentLogger log, string status, string? reason) =>
        log.Log(AgentLogLevel.Information, Category, 1502, nameof(Closed), $"Connection closed ({status}{(string.IsNullOrEmpty(reason) ? string.Empty : ": " + reason)})");

    public static void Reconnecting(AgentLogger log, string why, TimeSpan delay) =>
        log.Log(AgentLogLevel.Warning, Category, 1503, nameof(Reconnecting), $"Not connected: {why}. Reconnecting in {delay.TotalSeconds:F0} s");

    public static void KeyRejected(AgentLogger log, Uri server) =>
        log.Log(AgentLogLevel.Error, Category, 1504, nameof(KeyRejected),
            $"{server} refused this machine's key: it was revoked or the machine was removed in the console. The stored key will be deleted");

    public static void KeyProvisioned(AgentLogger log) =>
        log.Log(AgentLogLevel.Information, Category, 1505, nameof(KeyProvisioned), "The server provisioned this machine's own key; stored it and will use it from now on");

    public static void ViewerJoined(AgentLogger log, string username) =>
        log.Log(AgentLogLevel.Information, Category, 1506, nameof(ViewerJoined), $"Technician {username} started viewing this machine");

    public static void ViewerLeft(AgentLogger log, string username) =>
        log.Log(AgentLogLevel.Information, Category, 1507, nameof(ViewerLeft), $"Technician {username} stopped viewing this machine");

    public static void Notice(AgentLogger log, string kind, string text) =>
        log.Log(AgentLogLevel.Information, Category, 1508, nameof(Notice), $"Server notice {kind}: {text}");

    public static void Silent(AgentLogger log) =>
        log.Log(AgentLogLevel.Warning, Category, 1509, nameof(Silent), "No message from the server for 60 s; dropping the connection");

    public static void KeyDeleted(AgentLogger log, string path) =>
        log.Log(AgentLogLevel.Warning, Category, 1510, nameof(KeyDeleted), $"Deleted the refused machine key at {path}; enrolling again if the config holds an enrollment key");

    public static void CannotReenroll(AgentLogger log, string why, TimeSpan delay) =>
        log.Log(AgentLogLevel.Error, Category, 1511, nameof(CannotReenroll), $"Cannot enroll again: {why} Checking again in {delay.TotalMinutes:F0} min");

    public static void SaidGoodbye(AgentLogger log) =>
        log.Log(AgentLogLevel.Information, Category, 1512, nameof(SaidGoodbye), "Stopping: told the server goodbye and closed the connection");

    public static void Lost(AgentLogger log, string why) =>
        log.Log(AgentLogLevel.Information, Category, 1514, nameof(Lost), $"Connection lost: {why}. Not reconnecting: the support code was used by this connection");

    public static void KeyProvisionIgnored(AgentLogger log) =>
        log.Log(AgentLogLevel.Warning, Category, 1513, nameof(KeyProvisionIgnored), "The server sent a machine key to an attended session; ignored it (attended sessions store nothing)");
}
