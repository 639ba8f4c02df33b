namespace GuruConnect.Agent.Inventory;

/// <summary>What the agent reports in <c>AgentStatus</c> (docs/protocol.md): read on connect and when it changes.</summary>
internal sealed record InventorySnapshot(
    string OsName,
    string OsVersion,
    string CpuModel,
    uint CpuCores,
    ulong RamBytes,
    string Manufacturer,
    string Model,
    string Serial,
    IReadOnlyList<string> PrivateIps,
    IReadOnlyList<string> Macs,
    string LoggedOnUser,
    ulong UserIdleSeconds,
    string TimeZone,
    ulong UptimeSeconds,
    bool IsAdmin)
{
    /// <summary>Equality that ignores the always-moving counters, to decide "changed since last sent".</summary>
    public bool SameFactsAs(InventorySnapshot? other) =>
        other is not null
        && this with { UptimeSeconds = 0, UserIdleSeconds = 0, PrivateIps = [], Macs = [] } == other with { UptimeSeconds = 0, UserIdleSeconds = 0, PrivateIps = [], Macs = [] }
        && PrivateIps.SequenceEqual(other.PrivateIps)
        && Macs.SequenceEqual(other.Macs);
}
