namespace GuruConnect.Server.Relay;

/// <summary>Relay events, ids 1500–1599. Never a key, token or chat text: ids, reasons, lengths.</summary>
internal static partial class RelayLog
{
    [LoggerMessage(1500, LogLevel.Information, "Agent refused from {Ip}: {Reason}")]
    public static partial void AgentRefused(ILogger logger, string ip, string reason);

    [LoggerMessage(1501, LogLevel.Debug, "Agent of machine {MachineId} connected from {Ip}")]
    public static partial void AgentConnected(ILogger logger, Guid machineId, string ip);

    [LoggerMessage(1502, LogLevel.Debug, "Agent of machine {MachineId} disconnected: {End} ({Reason})")]
    public static partial void AgentDisconnected(ILogger logger, Guid machineId, ConnectionEnd end, string reason);

    [LoggerMessage(1503, LogLevel.Warning, "Agent from {Ip} authenticated with the deprecated shared bootstrap key (Relay:SharedAgentKey); it will be given its own machine key")]
    public static partial void SharedKeyUsed(ILogger logger, string ip);

    [LoggerMessage(1504, LogLevel.Warning, "Agent of machine {MachineId} claimed machine uid {ClaimedUid} in AgentHello; ignored, the machine is the key's")]
    public static partial void HelloUidMismatch(ILogger logger, Guid machineId, string claimedUid);

    [LoggerMessage(1505, LogLevel.Information, "Agent of machine {MachineId} superseded by a new connection")]
    public static partial void AgentSuperseded(ILogger logger, Guid machineId);

    [LoggerMessage(1506, LogLevel.Information, "Provisioned a machine key to bootstrap-key agent of machine {MachineId} (created: {Created})")]
    public static partial void KeyProvisioned(ILogger logger, Guid machineId, bool created);

    [LoggerMessage(1507, LogLevel.Information, "Closing the agent of machine {MachineId}: {Reason}")]
    public static partial void AgentClosed(ILogger logger, Guid machineId, string reason);

    [LoggerMessage(1508, LogLevel.Information, "Viewer refused from {Ip} with {Status}: {Reason}")]
    public static partial void ViewerRefused(ILogger logger, string ip, int status, string reason);

    [LoggerMessage(1509, LogLevel.Information, "Viewer {ViewerId} ({Username}) joined session {SessionId}")]
    public static partial void ViewerJoined(ILogger logger, string viewerId, string username, Guid sessionId);

    [LoggerMessage(1510, LogLevel.Information, "Viewer {ViewerId} left session {SessionId}: {End} ({Reason})")]
    public static partial void ViewerLeft(ILogger logger, string viewerId, Guid sessionId, ConnectionEnd end, string reason);

    [LoggerMessage(1511, LogLevel.Debug, "Chat message of {Length} characters from the {Side} in session {SessionId}")]
    public static partial void Chat(ILogger logger, int length, string side, Guid sessionId);

    [LoggerMessage(1512, LogLevel.Information, "Agent from {Ip} closed after the upgrade: {Reason}")]
    public static partial void AgentHandshakeFailed(ILogger logger, string ip, string reason);

    [LoggerMessage(1513, LogLevel.Warning, "Writing lastSeen for {Count} machines failed")]
    public static partial void LastSeenFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(1514, LogLevel.Error, "Relay maintenance pass failed")]
    public static partial void MaintenanceFailed(ILogger logger, Exception exception);

    [LoggerMessage(1515, LogLevel.Warning, "Storing the inventory of machine {MachineId} failed")]
    public static partial void InventoryFailed(ILogger logger, Guid machineId, Exception exception);

    [LoggerMessage(1516, LogLevel.Information, "Closing every relay socket: the server is stopping ({Count} connections)")]
    public static partial void ShuttingDown(ILogger logger, int count);

    // 1517–1519: support sessions, now SupportCodesLog (same ids).
}
