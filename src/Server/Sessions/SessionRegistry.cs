using System.Collections.Concurrent;
using System.Collections.Immutable;
using GuruConnect.Server.Relay;

namespace GuruConnect.Server.Sessions;

/// <summary>
/// The sessions this node holds, online and offline (docs/protocol.md "Session lifecycle"). A managed machine's
/// session id is its machine id, so a session survives reconnects and restarts without a mapping table.
/// </summary>
internal sealed class SessionRegistry
{
    private readonly ConcurrentDictionary<Guid, RelaySession> sessions = new();

    public int Count => sessions.Count;

    public IEnumerable<RelaySession> All => sessions.Select(pair => pair.Value);

    public RelaySession? Find(Guid id) => sessions.TryGetValue(id, out var session) ? session : null;

    /// <summary>
    /// Attaches a managed machine's agent to its session, creating the session on first connect. If the
    /// reaper (or a removal) takes the session out between the look-up and the attach, the attach sees it
    /// under the session lock and retries with a fresh session: a reconnecting agent is never reaped.
    /// </summary>
    public RelaySession AttachAgent(AgentConnection agent, DateTimeOffset startedAt, DateTimeOffset now, out AgentConnection? superseded)
    {
        while (true)
        {
            var session = sessions.GetOrAdd(agent.MachineId, static (id, state) =>
                new RelaySession(id, id, SessionKinds.Managed, state.startedAt, state.now), (startedAt, now));
            if (session.TryAttachAgent(agent, now, out superseded))
            {
                return session;
            }

            sessions.TryRemove(new KeyValuePair<Guid, RelaySession>(session.Id, session));
        }
    }

    /// <summary>
    /// Starts the attended session of a support agent; its id is the one the code was consumed for. It has
    /// no offline life: it ends when the agent leaves.
    /// </summary>
    public RelaySession StartSupport(AgentConnection agent, string supportCode, Guid ownerId, DateTimeOffset now)
    {
        var session = new RelaySession(agent.MachineId, agent.MachineId, SessionKinds.Support, now, now) { SupportCode = supportCode, SupportOwnerId = ownerId };
        if (!sessions.TryAdd(session.Id, session) || !session.TryAttachAgent(agent, now, out _))
        {
            throw new InvalidOperationException($"Support session {session.Id} exists already.");
        }

        return session;
    }

    /// <summary>Puts back a managed machine's session as offline after a restart (no-op if it already exists).</summary>
    public void Restore(Guid machineId, DateTimeOffset startedAt, DateTimeOffset lastActiveAt) =>
        sessions.TryAdd(machineId, new RelaySession(machineId, machineId, SessionKinds.Managed, startedAt, lastActiveAt));

    /// <summary>
    /// Removes <paramref name="session"/> if <paramref name="condition"/> holds under its lock; the caller
    /// closes the sockets handed back.
    /// </summary>
    public bool TryRemove(RelaySession session, Func<RelaySession, bool> condition, out AgentConnection? agent, out ImmutableArray<ViewerConnection> viewers)
    {
        if (!session.TryMarkRemoved(condition, out agent, out viewers))
        {
            return false;
        }

        sessions.TryRemove(new KeyValuePair<Guid, RelaySession>(session.Id, session));
        return true;
    }
}
