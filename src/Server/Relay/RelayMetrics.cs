using System.Diagnostics.Metrics;
using GuruConnect.Server.Observability;
using GuruConnect.Server.Sessions;

namespace GuruConnect.Server.Relay;

/// <summary>
/// The relay's instruments on <see cref="ServerMetrics.Meter"/> (docs/api.md "Health and metrics": connected agents,
/// viewers, sessions, frames and bytes relayed, dropped messages). The hot path only bumps plain
/// counters; the exporter reads them at scrape time through observable instruments.
/// </summary>
internal sealed class RelayMetrics
{
    private static readonly DropReason[] Reasons = Enum.GetValues<DropReason>();
    private readonly long[] dropped = new long[Reasons.Length];
    private long agents;
    private long viewers;
    private long agentFrames;
    private long agentBytes;
    private long viewerFrames;
    private long viewerBytes;

    public RelayMetrics(ServerMetrics metrics, SessionRegistry sessions)
    {
        var meter = metrics.Meter;
        meter.CreateObservableGauge("guruconnect_relay_agents_connected", () => Interlocked.Read(ref agents), description: "Agents with a live socket");
        meter.CreateObservableGauge("guruconnect_relay_viewers_connected", () => Interlocked.Read(ref viewers), description: "Viewers with a live socket");
        meter.CreateObservableGauge("guruconnect_relay_sessions", () => (long)sessions.Count, description: "Sessions held (online and offline)");
        meter.CreateObservableCounter("guruconnect_relay_frames_total", () => new[]
        {
            new Measurement<long>(Interlocked.Read(ref agentFrames), new KeyValuePair<string, object?>("direction", "agent_to_viewer")),
            new Measurement<long>(Interlocked.Read(ref viewerFrames), new KeyValuePair<string, object?>("direction", "viewer_to_agent")),
        }, description: "Messages relayed (one per receiving socket)");
        meter.CreateObservableCounter("guruconnect_relay_bytes_total", () => new[]
        {
            new Measurement<long>(Interlocked.Read(ref agentBytes), new KeyValuePair<string, object?>("direction", "agent_to_viewer")),
            new Measurement<long>(Interlocked.Read(ref viewerBytes), new KeyValuePair<string, object?>("direction", "viewer_to_agent")),
        }, unit: "By", description: "Bytes relayed (counted once per receiving socket)");
        meter.CreateObservableCounter("guruconnect_relay_dropped_total", () => Reasons.Select(reason =>
            new Measurement<long>(Interlocked.Read(ref dropped[(int)reason]), new KeyValuePair<string, object?>("reason", Label(reason)))),
            description: "Messages the relay dropped, by reason");
    }

    public long AgentsConnected => Interlocked.Read(ref agents);

    public long ViewersConnected => Interlocked.Read(ref viewers);

    public long FramesToViewers => Interlocked.Read(ref agentFrames);

    public long FramesToAgents => Interlocked.Read(ref viewerFrames);

    public void AgentAttached() => Interlocked.Increment(ref agents);

    public void AgentDetached() => Interlocked.Decrement(ref agents);

    public void ViewerJoined() => Interlocked.Increment(ref viewers);

    public void ViewerLeft() => Interlocked.Decrement(ref viewers);

    public void RelayedToViewer(int bytes)
    {
        Interlocked.Increment(ref agentFrames);
        Interlocked.Add(ref agentBytes, bytes);
    }

    public void RelayedToAgent(int bytes)
    {
        Interlocked.Increment(ref viewerFrames);
        Interlocked.Add(ref viewerBytes, bytes);
    }

    public void Dropped(DropReason reason) => Interlocked.Increment(ref dropped[(int)reason]);

    public long DroppedCount(DropReason reason) => Interlocked.Read(ref dropped[(int)reason]);

    public static string Label(DropReason reason) => reason switch
    {
        DropReason.Direction => "direction",
        DropReason.Malformed => "malformed",
        DropReason.Throttled => "throttled",
        DropReason.NotController => "not_controller",
        DropReason.QueueFull => "queue_full",
        DropReason.AgentOffline => "agent_offline",
        DropReason.TooLarge => "too_large",
        _ => "other",
    };
}
