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
    /// <summary>
    /// Under this the user counts as active. The server keeps "idle since" only at or above it
    /// (src/Server/Relay/AgentReports.cs), so an active user's every keystroke is not a report.
    /// </summary>
    public const ulong IdleThresholdSeconds = 60;

    /// <summary>
    /// Whether a report made <paramref name="elapsed"/> after <paramref name="sent"/> has something new:
    /// other facts changed, the user went idle or came back, or was back in between (idle is less than
    /// the clock alone explains, with a heartbeat's slack).
    /// </summary>
    public bool ShouldReplace(InventorySnapshot sent, TimeSpan elapsed)
    {
        if (!SameFactsAs(sent))
            return true;
        var wasIdle = sent.UserIdleSeconds >= IdleThresholdSeconds;
        var isIdle = UserIdleSeconds >= IdleThresholdSeconds;
        return wasIdle != isIdle || (isIdle && UserIdleSeconds + 30 < sent.UserIdleSeconds + (ulong)Math.Max(0, elapsed.TotalSeconds));
    }

    /// <summary>Equality that ignores the always-moving counters, to decide "changed since last sent".</summary>
    public bool SameFactsAs(InventorySnapshot? other) =>
        other is not null
        && this with { UptimeSeconds = 0, UserIdleSeconds = 0, PrivateIps = [], Macs = [] } == other with { UptimeSeconds = 0, UserIdleSeconds = 0, PrivateIps = [], Macs = [] }
        && PrivateIps.SequenceEqual(other.PrivateIps)
        && Macs.SequenceEqual(other.Macs);
}
