namespace GuruConnect.Server.Machines;

/// <summary>
/// What an agent reports in <c>AgentStatus</c>, plus the external IP the server saw. The idle time is
/// kept as the moment the user went idle (<see cref="UserIdleSince"/>), fixed when the report arrived,
/// so a report written later (InventoryWriter) or read later still says the right thing.
/// </summary>
internal sealed record MachineInventory(
    string? OsName,
    string? OsVersion,
    string? CpuModel,
    int? CpuCores,
    long? RamBytes,
    string? Manufacturer,
    string? Model,
    string? SerialNumber,
    IReadOnlyList<string> PrivateIps,
    IReadOnlyList<string> Macs,
    string? ExternalIp,
    string? LoggedOnUser,
    string? TimeZone,
    long? UptimeSeconds,
    bool? IsAdmin,
    DateTimeOffset? UserIdleSince = null);
