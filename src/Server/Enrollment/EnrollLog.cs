namespace GuruConnect.Server.Enrollment;

/// <summary>Event ids 1400–1499. Never a key: site codes, machine ids and fingerprints only.</summary>
internal static partial class EnrollLog
{
    [LoggerMessage(1400, LogLevel.Information, "Enrolled machine {MachineId} at site {SiteCode}: {Disposition}")]
    public static partial void Enrolled(ILogger logger, Guid machineId, string siteCode, string disposition);

    [LoggerMessage(1401, LogLevel.Warning, "Enrollment rejected for site code {SiteCode} from {Ip}: {Reason}")]
    public static partial void Rejected(ILogger logger, string siteCode, string ip, string reason);

    [LoggerMessage(1402, LogLevel.Warning, "Enrollment of uid at site {SiteCode} conflicts with machine {MachineId} bound to another site")]
    public static partial void SiteConflict(ILogger logger, string siteCode, Guid machineId);

    [LoggerMessage(1403, LogLevel.Warning, "Machine {MachineId} is online as {OnlineHostname} while {Hostname} enrolled with its uid: pending approval")]
    public static partial void CollisionPending(ILogger logger, Guid machineId, string onlineHostname, string hostname);

    [LoggerMessage(1404, LogLevel.Information, "First enrollment of a uid lost the insert race; retrying as reuse")]
    public static partial void RaceRetried(ILogger logger);
}
