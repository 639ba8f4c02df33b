using System.ComponentModel.DataAnnotations;

namespace GuruConnect.Server.Relay;

/// <summary>Configuration section <c>Relay</c>. Defaults are the numbers of docs/protocol.md; tests shrink them.</summary>
public sealed class RelayOptions
{
    public const string Section = "Relay";

    /// <summary>
    /// The deprecated shared bootstrap key old agents present as <c>Bearer</c> (docs/protocol.md "Agent plane").
    /// Off (null) by default; when set, such agents are accepted with a warning and provisioned their own
    /// <c>cak_</c> once (trust on first use).
    /// </summary>
    [MinLength(16)]
    public string? SharedAgentKey { get; set; }

    /// <summary>An offline managed session with no viewers is reaped this long after its agent was last seen.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "3650.00:00:00")]
    public TimeSpan SessionTtl { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Bytes queued for one viewer before video frames and cursor moves to it are dropped (docs/protocol.md
    /// "Limits and fairness"). Other messages may use a quarter more; past that the viewer is disconnected.
    /// </summary>
    [Range(16 * 1024, 1024L * 1024 * 1024)]
    public long MaxQueuedBytesPerViewer { get; set; } = 8 * 1024 * 1024;

    /// <summary>Bytes queued for one agent (viewer input, acks, notices) before relayed messages to it are dropped.</summary>
    [Range(16 * 1024, 1024L * 1024 * 1024)]
    public long MaxQueuedBytesPerAgent { get; set; } = 1024 * 1024;

    /// <summary>Input messages accepted per viewer per second (docs/protocol.md: 240).</summary>
    [Range(1, 100_000)]
    public int ViewerInputPerSecond { get; set; } = GuruConnect.Protocol.ProtocolLimits.MaxViewerInputPerSecond;

    /// <summary>
    /// How often (real time) the relay looks at its connections: hello deadline, heartbeats, silence,
    /// <c>lastSeen</c> writes and the reaper. The deadlines themselves are read from the injected clock.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "1.00:00:00")]
    public TimeSpan MaintenanceInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the reaper looks for expired sessions (docs/protocol.md: every minute).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan ReaperInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>At most one <c>lastSeen</c> write per machine per this interval (docs/protocol.md: 30 s).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan LastSeenInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// At most one inventory write per agent connection per this interval; reports in between replace a
    /// pending one (an agent cannot turn a flood of <c>AgentStatus</c> into a flood of database writes).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan InventoryInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a closing socket may take to finish its close handshake before it is aborted.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:10")]
    public TimeSpan CloseGrace { get; set; } = TimeSpan.FromMilliseconds(500);
}
