using System.Collections.Immutable;
using GuruConnect.Protocol.V1;
using GuruConnect.Server.Relay;

namespace GuruConnect.Server.Sessions;

/// <summary>
/// One session: at most one agent socket, any number of viewers, and which viewer holds input control.
/// Changes happen under one lock (so the reaper's re-check, a reconnecting agent and a joining viewer
/// see one order); the forwarding hot path reads <see cref="Agent"/>, <see cref="Viewers"/> and
/// <see cref="Controller"/> without it. Messages are only queued under the lock, never awaited.
/// </summary>
internal sealed class RelaySession(Guid id, Guid machineId, string kind, DateTimeOffset startedAt, DateTimeOffset lastActiveAt)
{
    private readonly Lock gate = new();
    private AgentConnection? agent;
    private ImmutableArray<ViewerConnection> viewers = [];
    private ViewerConnection? controller;
    private long lastActiveTicks = lastActiveAt.UtcTicks;
    private bool removed;

    /// <summary>
    /// For a managed session, the machine id itself: stable across reconnects and restarts. A support
    /// session has no machine row; its <see cref="MachineId"/> is its own id.
    /// </summary>
    public Guid Id { get; } = id;

    public Guid MachineId { get; } = machineId;

    /// <summary>The machine row behind the session, for audit and presence: null for a support session, which has none.</summary>
    public Guid? FleetMachineId => Kind == SessionKinds.Managed ? MachineId : null;

    public string Kind { get; } = kind;

    public DateTimeOffset StartedAt { get; } = startedAt;

    /// <summary>The technician whose code started a support session: with admins, the only one who may watch it.</summary>
    public Guid? SupportOwnerId { get; init; }

    /// <summary>The code a support session was started with; null for managed sessions.</summary>
    public string? SupportCode { get; init; }

    public AgentConnection? Agent => Volatile.Read(ref agent);

    public ImmutableArray<ViewerConnection> Viewers => viewers;

    public ViewerConnection? Controller => Volatile.Read(ref controller);

    /// <summary>When the agent was last online or a viewer last left: the reaper's TTL counts from here.</summary>
    public DateTimeOffset LastActiveAt => new(Interlocked.Read(ref lastActiveTicks), TimeSpan.Zero);

    public bool IsRemoved
    {
        get
        {
            lock (gate)
            {
                return removed;
            }
        }
    }

    /// <summary>Offline, nobody watching, and idle for longer than <paramref name="ttl"/> (docs/protocol.md "Reaper").</summary>
    public bool IsExpired(DateTimeOffset now, TimeSpan ttl) =>
        Agent is null && viewers.IsEmpty && now - LastActiveAt > ttl;

    /// <summary>
    /// Makes <paramref name="next"/> the session's agent. Returns false when the session was removed
    /// meanwhile (the caller takes a fresh one). The agent it replaces, if any, is returned to be closed
    /// as superseded; the new agent learns about every viewer already watching.
    /// </summary>
    public bool TryAttachAgent(AgentConnection next, DateTimeOffset now, out AgentConnection? previous)
    {
        lock (gate)
        {
            previous = null;
            if (removed)
            {
                return false;
            }

            previous = agent;
            Volatile.Write(ref agent, next);
            Interlocked.Exchange(ref lastActiveTicks, now.UtcTicks);
            foreach (var viewer in viewers)
            {
                next.Connection.Send(SessionNotices.ViewerJoined(viewer.ViewerId, viewer.Username));
                if (previous is null)
                {
                    viewer.Connection.Send(SessionNotices.Notice(SessionNoticeKind.AgentOnline, "The agent is online."));
                }
            }

            return true;
        }
    }

    /// <summary>Clears the agent if it is still <paramref name="current"/> (a superseded socket leaving changes nothing).</summary>
    public bool DetachAgent(AgentConnection current, DateTimeOffset now)
    {
        lock (gate)
        {
            if (agent != current)
            {
                return false;
            }

            Volatile.Write(ref agent, null);
            Interlocked.Exchange(ref lastActiveTicks, now.UtcTicks);
            foreach (var viewer in viewers)
            {
                viewer.Connection.Send(SessionNotices.Notice(SessionNoticeKind.AgentOffline, "The agent went offline; waiting for it to reconnect."));
            }

            return true;
        }
    }

    /// <summary>Adds a viewer; the first viewer (or the first while nobody holds it) gets input control.</summary>
    public bool TryAddViewer(ViewerConnection viewer)
    {
        lock (gate)
        {
            if (removed)
            {
                return false;
            }

            viewers = viewers.Add(viewer);
            if (controller is null)
            {
                Volatile.Write(ref controller, viewer);
            }

            SendControlState(viewer);
            foreach (var other in viewers)
            {
                if (other != viewer)
                {
                    other.Connection.Send(SessionNotices.Notice(SessionNoticeKind.ViewerJoined, $"{viewer.Username} joined."));
                }
            }

            if (agent is { } current)
            {
                current.Connection.Send(SessionNotices.ViewerJoined(viewer.ViewerId, viewer.Username));
            }
            else
            {
                viewer.Connection.Send(SessionNotices.Notice(SessionNoticeKind.AgentOffline, "Waiting for the agent to connect."));
            }

            return true;
        }
    }

    public void RemoveViewer(ViewerConnection viewer, DateTimeOffset now)
    {
        lock (gate)
        {
            var index = viewers.IndexOf(viewer);
            if (index < 0)
            {
                return;
            }

            viewers = viewers.RemoveAt(index);
            Interlocked.Exchange(ref lastActiveTicks, now.UtcTicks);
            agent?.Connection.Send(SessionNotices.ViewerLeft(viewer.ViewerId, viewer.Username));
            foreach (var other in viewers)
            {
                other.Connection.Send(SessionNotices.Notice(SessionNoticeKind.ViewerLeft, $"{viewer.Username} left."));
            }

            if (controller == viewer)
            {
                Volatile.Write(ref controller, null);
                BroadcastControlState();
            }
        }
    }

    /// <summary>
    /// <c>InputControlRequest</c>: asking takes control (technicians on one session are trusted peers;
    /// the previous holder and everyone else are told), releasing frees it for whoever asks next.
    /// </summary>
    public void RequestControl(ViewerConnection viewer, bool release)
    {
        lock (gate)
        {
            if (!viewers.Contains(viewer))
            {
                return;
            }

            var next = release ? (controller == viewer ? null : controller) : viewer;
            if (next == controller)
            {
                SendControlState(viewer);
                return;
            }

            Volatile.Write(ref controller, next);
            BroadcastControlState();
        }
    }

    /// <summary>
    /// Marks the session removed if <paramref name="condition"/> still holds under the lock (the reaper's
    /// re-check), and hands back its sockets for the caller to close.
    /// </summary>
    public bool TryMarkRemoved(Func<RelaySession, bool> condition, out AgentConnection? agentToClose, out ImmutableArray<ViewerConnection> viewersToClose)
    {
        lock (gate)
        {
            agentToClose = null;
            viewersToClose = [];
            if (removed || !condition(this))
            {
                return false;
            }

            removed = true;
            agentToClose = agent;
            viewersToClose = viewers;
            return true;
        }
    }

    private void BroadcastControlState()
    {
        foreach (var viewer in viewers)
        {
            SendControlState(viewer);
        }
    }

    private void SendControlState(ViewerConnection viewer) =>
        viewer.Connection.Send(SessionNotices.ControlState(controller?.ViewerId, controller?.Username, controller == viewer));
}
